import fc from 'fast-check';
import { EcsError } from '../../../../functions/domain/errors';
import {
  dueOccurrences,
  instantOf,
  isKnownTimezone,
  parseSchedule,
} from '../../../../functions/domain/scaling/schedules';

const at = (iso: string) => Date.parse(iso);
const iso = (instants: number[]) => instants.map((instant) => new Date(instant).toISOString());
const CREATED = at('2024-01-01T00:00:00Z');

const failureOf = (read: () => unknown): string | undefined => {
  try {
    read();
    return undefined;
  } catch (error) {
    if (!(error instanceof EcsError)) throw error;
    return `${error.errorType}: ${error.message}`;
  }
};

describe('Function: parseSchedule', () => {
  it.each([
    ['at(2024-02-29T10:00:00)', 'at'],
    ['rate(1 minute)', 'rate'],
    ['rate(5 minutes)', 'rate'],
    ['rate(1 day)', 'rate'],
    ['cron(0 9 ? * MON-FRI *)', 'cron'],
    ['cron(*/15 8-18 * * ? 2024-2030)', 'cron'],
    ['cron(0 0 L * ? *)', 'cron'],
    ['cron(0 0 LW * ? *)', 'cron'],
    ['cron(0 0 L-2 * ? *)', 'cron'],
    ['cron(0 0 15W * ? *)', 'cron'],
    ['cron(0 0 ? * 6#3 *)', 'cron'],
    ['cron(0 0 ? * FRIL *)', 'cron'],
    ['cron(0,30 12 1,15 JAN,jul ? *)', 'cron'],
  ])('reads %s', (expression, kind) => {
    expect(parseSchedule(expression).kind).toBe(kind);
  });

  it.each([
    ['every day', 'Expected at(...), rate(...) or cron(...).'],
    ['at(2023-02-29T10:00:00)', '2023-02-29T10:00:00 is not a valid date and time.'],
    ['at(2024-01-01 10:00:00)', 'Expected at(yyyy-mm-ddThh:mm:ss).'],
    ['rate(0 minutes)', 'The rate value must be a positive integer.'],
    ['rate(1 minutes)', 'A rate of 1 takes a singular unit.'],
    ['rate(2 hour)', 'A rate greater than 1 takes a plural unit.'],
    ['rate(2 weeks)', 'Expected rate(value unit), unit minute(s), hour(s) or day(s).'],
    [
      'cron(0 9 * * *)',
      'A cron expression has six fields: minutes hours day-of-month month day-of-week year.',
    ],
    ['cron(0 9 * * MON *)', 'Exactly one of the day-of-month and day-of-week fields must be ?.'],
    ['cron(0 9 ? * ? *)', 'Exactly one of the day-of-month and day-of-week fields must be ?.'],
    ['cron(60 9 * * ? *)', "'60' is not a value between 0 and 59."],
    ['cron(0 9 * FOO ? *)', "'FOO' is not a value between 1 and 12."],
    ['cron(0 9 ? * 8 *)', "'8' is not a value between 1 and 7."],
    ['cron(0 18-9 * * ? *)', "the range '18-9' runs backwards."],
    ['cron(0/0 9 * * ? *)', "'0' is not a valid step."],
    ['cron(0 9 ? * 2#6 *)', "'2#6' names no week of a month."],
    ['cron(0 9 * * ? 1969)', "'1969' is not a value between 1970 and 2199."],
  ])('rejects %s', (expression, why) => {
    expect(failureOf(() => parseSchedule(expression))).toBe(
      `ValidationException: Invalid schedule expression: ${expression}. ${why}`,
    );
  });
});

describe('Function: isKnownTimezone', () => {
  it.each([
    ['UTC', true],
    ['Europe/Paris', true],
    ['America/New_York', true],
    ['Mars/Olympus_Mons', false],
  ])('knows %s: %s', (timezone, known) => {
    expect(isKnownTimezone(timezone)).toBe(known);
  });
});

describe('Function: instantOf', () => {
  it.each([
    ['a winter time in Paris', '2024-01-15T09:00', 'Europe/Paris', '2024-01-15T08:00:00.000Z'],
    ['a summer time in Paris', '2024-07-15T09:00', 'Europe/Paris', '2024-07-15T07:00:00.000Z'],
    [
      'the earlier of a repeated hour',
      '2024-10-27T02:30',
      'Europe/Paris',
      '2024-10-27T00:30:00.000Z',
    ],
    ['a skipped hour as nothing', '2024-03-31T02:30', 'Europe/Paris', undefined],
  ])('reads %s', (_case, local, timezone, expected) => {
    // Prepare
    const [date = '', time = ''] = local.split('T');
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const [hour, minute] = time.split(':').map(Number) as [number, number];

    // Act
    const instant = instantOf({ year, month, day, hour, minute, second: 0 }, timezone);

    // Assess
    expect(instant === undefined ? undefined : new Date(instant).toISOString()).toBe(expected);
  });
});

describe('Function: dueOccurrences', () => {
  it.each([
    [
      'an at() once, in its zone',
      'at(2024-03-10T09:30:00)',
      { timezone: 'America/New_York' },
      '2024-03-10T00:00:00Z',
      '2024-03-11T00:00:00Z',
      ['2024-03-10T13:30:00.000Z'],
    ],
    [
      'nothing for an at() outside the window',
      'at(2024-03-10T09:30:00)',
      {},
      '2024-03-10T09:30:00Z',
      '2024-03-11T00:00:00Z',
      [],
    ],
    [
      'a rate from its creation, one period on',
      'rate(20 minutes)',
      {},
      '2024-01-01T00:00:00Z',
      '2024-01-01T01:00:00Z',
      ['2024-01-01T00:20:00.000Z', '2024-01-01T00:40:00.000Z', '2024-01-01T01:00:00.000Z'],
    ],
    [
      'a rate from its StartTime, StartTime included',
      'rate(1 hour)',
      { startTime: at('2024-01-01T10:00:00Z') },
      '2024-01-01T00:00:00Z',
      '2024-01-01T12:00:00Z',
      ['2024-01-01T10:00:00.000Z', '2024-01-01T11:00:00.000Z', '2024-01-01T12:00:00.000Z'],
    ],
    [
      'weekday mornings in Paris across the change to summer time',
      'cron(0 9 ? * MON-FRI *)',
      { timezone: 'Europe/Paris' },
      '2024-03-29T00:00:00Z',
      '2024-04-03T00:00:00Z',
      ['2024-03-29T08:00:00.000Z', '2024-04-01T07:00:00.000Z', '2024-04-02T07:00:00.000Z'],
    ],
    [
      'a cron up to EndTime, EndTime included',
      'cron(0 * * * ? *)',
      { endTime: at('2024-01-01T02:00:00Z') },
      '2024-01-01T00:00:00Z',
      '2024-01-01T05:00:00Z',
      ['2024-01-01T01:00:00.000Z', '2024-01-01T02:00:00.000Z'],
    ],
    [
      'the last day of each month',
      'cron(0 0 L * ? *)',
      {},
      '2024-01-15T00:00:00Z',
      '2024-04-15T00:00:00Z',
      ['2024-01-31T00:00:00.000Z', '2024-02-29T00:00:00.000Z', '2024-03-31T00:00:00.000Z'],
    ],
    [
      'the third Friday of each month',
      'cron(30 12 ? * 6#3 *)',
      {},
      '2024-01-01T00:00:00Z',
      '2024-03-01T00:00:00Z',
      ['2024-01-19T12:30:00.000Z', '2024-02-16T12:30:00.000Z'],
    ],
    [
      'the last Friday of each month',
      'cron(0 0 ? * FRIL *)',
      {},
      '2024-01-01T00:00:00Z',
      '2024-03-01T00:00:00Z',
      ['2024-01-26T00:00:00.000Z', '2024-02-23T00:00:00.000Z'],
    ],
    [
      'the weekday nearest a Saturday 15th',
      'cron(0 0 15W * ? *)',
      {},
      '2024-06-01T00:00:00Z',
      '2024-07-01T00:00:00Z',
      ['2024-06-14T00:00:00.000Z'],
    ],
    [
      'the last weekday of a month ending on a Sunday',
      'cron(0 0 LW * ? *)',
      {},
      '2024-03-01T00:00:00Z',
      '2024-04-01T00:00:00Z',
      ['2024-03-29T00:00:00.000Z'],
    ],
    [
      'steps from a start value',
      'cron(10/20 6 * * ? *)',
      {},
      '2024-01-01T00:00:00Z',
      '2024-01-01T23:00:00Z',
      ['2024-01-01T06:10:00.000Z', '2024-01-01T06:30:00.000Z', '2024-01-01T06:50:00.000Z'],
    ],
    [
      'nothing in a year the expression excludes',
      'cron(0 0 * * ? 2025)',
      {},
      '2024-06-01T00:00:00Z',
      '2024-06-05T00:00:00Z',
      [],
    ],
  ])('finds %s', (_case, expression, context, after, upTo, expected) => {
    // Prepare
    const schedule = parseSchedule(expression);

    // Act
    const due = dueOccurrences(schedule, { createdAt: CREATED, ...context }, at(after), at(upTo));

    // Assess
    expect(iso(due)).toEqual(expected);
  });

  it('fires each occurrence once for an evaluator polling every 7 seconds', () => {
    // Prepare
    const schedule = parseSchedule('cron(*/2 * * * ? *)');
    const start = at('2024-01-01T00:00:00Z');
    const fired: number[] = [];

    // Act
    for (let now = start; now < start + 10 * 60_000; now += 7_000) {
      fired.push(...dueOccurrences(schedule, { createdAt: CREATED }, now, now + 7_000));
    }

    // Assess
    expect(fired).toHaveLength(5);
    expect(new Set(fired).size).toBe(5);
  });

  describe('properties', () => {
    const expressions = fc.constantFrom(
      'rate(1 minute)',
      'rate(7 minutes)',
      'rate(2 hours)',
      'cron(*/5 * * * ? *)',
      'cron(0 9 ? * MON-FRI *)',
      'cron(15,45 */3 L * ? *)',
      'cron(0 2 ? * 1#2 *)',
      'cron(30 1-3 * * ? *)',
      'at(2024-03-31T02:30:00)',
      'at(2024-10-27T02:30:00)',
    );
    const timezones = fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata');
    const base = at('2024-03-25T00:00:00Z');
    const instant = fc.integer({ min: base, max: base + 40 * 86_400_000 });
    const window = fc.tuple(instant, fc.integer({ min: 0, max: 5 * 86_400_000 }));
    const context = fc.record({
      timezone: timezones,
      createdAt: fc.constant(base - 3_600_000),
      startTime: fc.option(instant, { nil: undefined }),
      endTime: fc.option(instant, { nil: undefined }),
    });

    it('answers occurrences strictly increasing, inside the window and the action’s life', () => {
      fc.assert(
        fc.property(expressions, context, window, (expression, ctx, [after, length]) => {
          const due = dueOccurrences(parseSchedule(expression), ctx, after, after + length);
          const misplaced = due.filter(
            (occurrence, index) =>
              occurrence <= after ||
              occurrence > after + length ||
              occurrence < (ctx.startTime ?? occurrence) ||
              occurrence > (ctx.endTime ?? occurrence) ||
              (index > 0 && occurrence <= (due[index - 1] ?? occurrence)),
          );
          expect(misplaced).toEqual([]);
        }),
        { numRuns: 200 },
      );
    });

    it('answers the same occurrences for a window split in two as for the whole', () => {
      fc.assert(
        fc.property(
          expressions,
          context,
          window,
          fc.double({ min: 0, max: 1, noNaN: true }),
          (expression, ctx, [after, length], split) => {
            const schedule = parseSchedule(expression);
            const middle = after + Math.floor(length * split);
            const whole = dueOccurrences(schedule, ctx, after, after + length);
            const halves = [
              ...dueOccurrences(schedule, ctx, after, middle),
              ...dueOccurrences(schedule, ctx, middle, after + length),
            ];
            expect(halves).toEqual(whole);
          },
        ),
        { numRuns: 200 },
      );
    });

    it('fires cron and rate occurrences on whole minutes', () => {
      fc.assert(
        fc.property(expressions, context, window, (expression, ctx, [after, length]) => {
          fc.pre(!expression.startsWith('at('));
          for (const occurrence of dueOccurrences(
            parseSchedule(expression),
            ctx,
            after,
            after + length,
          )) {
            expect(occurrence % 60_000).toBe(0);
          }
        }),
        { numRuns: 100 },
      );
    });
  });
});
