import { ValidationException } from './errors';

/**
 * Scheduled actions' `Schedule` expressions and when they fall due.
 *
 * - `at(yyyy-mm-ddThh:mm:ss)`: once, at that wall-clock time in `Timezone`;
 * - `rate(N minute|minutes|hour|hours|day|days)`: every N units from the
 *   action's `StartTime`, or from when it was created;
 * - `cron(minutes hours day-of-month month day-of-week year)`: AWS's six
 *   fields, read in `Timezone` (UTC by default), with `*`, `?`, lists,
 *   ranges, `/` steps, month and weekday names, `L`, `W` and `#`.
 *
 * The evaluator runs every minute (or every few seconds in tests) and asks
 * which occurrences fell in `(after, upTo]`: consecutive windows share no
 * instant and leave none out, so each occurrence fires exactly once however
 * often it runs, and a late run catches up on what it missed.
 *
 * @see https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScheduledAction.html
 * @see https://docs.aws.amazon.com/autoscaling/application/userguide/scheduled-scaling-using-cron-expressions.html
 */

/** A wall-clock time with no zone; months 1–12. */
interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

type DayOfMonthRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  /** `L` (offset 0) or `L-n`: the last day of the month, or n days before it. */
  | { readonly kind: 'last'; readonly offset: number }
  /** `nW`: the weekday nearest day n, within the month. */
  | { readonly kind: 'nearestWeekday'; readonly day: number }
  /** `LW`: the last weekday of the month. */
  | { readonly kind: 'lastWeekday' };

/** Days of the week are AWS's 1 (SUN) to 7 (SAT). */
type DayOfWeekRule =
  | { readonly kind: 'any' }
  | { readonly kind: 'days'; readonly days: ReadonlySet<number> }
  /** `nL`: the last such weekday of the month. */
  | { readonly kind: 'last'; readonly weekday: number }
  /** `n#k`: the k-th such weekday of the month. */
  | { readonly kind: 'nth'; readonly weekday: number; readonly nth: number };

interface CronFields {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly dayOfMonth: DayOfMonthRule;
  readonly months: ReadonlySet<number>;
  readonly dayOfWeek: DayOfWeekRule;
  readonly years: ReadonlySet<number> | 'any';
}

type Schedule =
  | { readonly kind: 'at'; readonly expression: string; readonly at: LocalDateTime }
  | {
      readonly kind: 'rate';
      readonly expression: string;
      readonly value: number;
      readonly unit: 'minute' | 'hour' | 'day';
      readonly periodMs: number;
    }
  | { readonly kind: 'cron'; readonly expression: string; readonly fields: CronFields };

/** Where and when a schedule applies: all instants in epoch milliseconds. */
interface ScheduleContext {
  /** IANA zone for `at` and `cron` wall-clock times; UTC when absent. */
  readonly timezone?: string | undefined;
  /** No occurrence before it (inclusive); a `rate` counts from it. */
  readonly startTime?: number | undefined;
  /** No occurrence after it (inclusive). Nothing is reverted then. */
  readonly endTime?: number | undefined;
  /** When the action was created: a `rate` without StartTime counts from it. */
  readonly createdAt: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const UNIT_MS = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: DAY_MS } as const;
/** AWS's cron years. */
const FIRST_YEAR = 1970;
const LAST_YEAR = 2199;

const MONTH_NAMES = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
] as const;
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const invalid = (expression: string, why: string): ValidationException =>
  new ValidationException(`Invalid schedule expression: ${expression}. ${why}`);

const daysInMonth = (year: number, month: number): number =>
  new Date(Date.UTC(year, month, 0)).getUTCDate();

/** 1 (SUN) to 7 (SAT), as AWS's cron counts, for a civil date. */
const weekdayOf = (year: number, month: number, day: number): number =>
  new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

const AT_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

const parseAt = (expression: string, body: string): Schedule => {
  const match = AT_PATTERN.exec(body);
  if (!match) throw invalid(expression, 'Expected at(yyyy-mm-ddThh:mm:ss).');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw invalid(expression, `${body} is not a valid date and time.`);
  }
  return { kind: 'at', expression, at: { year, month, day, hour, minute, second } };
};

const RATE_PATTERN = /^(\d+) (minute|minutes|hour|hours|day|days)$/;

const parseRate = (expression: string, body: string): Schedule => {
  const match = RATE_PATTERN.exec(body.trim());
  if (!match)
    throw invalid(expression, 'Expected rate(value unit), unit minute(s), hour(s) or day(s).');
  const value = Number(match[1]);
  const word = match[2] ?? '';
  if (!Number.isSafeInteger(value) || value < 1) {
    throw invalid(expression, 'The rate value must be a positive integer.');
  }
  // The unit is singular for 1 and plural otherwise, as the API documents.
  if ((value === 1) !== !word.endsWith('s')) {
    throw invalid(
      expression,
      value === 1
        ? 'A rate of 1 takes a singular unit.'
        : 'A rate greater than 1 takes a plural unit.',
    );
  }
  const unit = word.replace(/s$/, '') as 'minute' | 'hour' | 'day';
  return { kind: 'rate', expression, value, unit, periodMs: value * UNIT_MS[unit] };
};

/** A number or a name (case-insensitive) in `[min, max]`. */
const readValue = (
  text: string,
  min: number,
  max: number,
  names: readonly string[] | undefined,
  fail: (why: string) => ValidationException,
): number => {
  const nameIndex = names?.indexOf(text.toUpperCase()) ?? -1;
  const value = nameIndex >= 0 ? nameIndex + min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw fail(`'${text}' is not a value between ${min} and ${max}.`);
  }
  return value;
};

/** `*`, a value, `a-b`, each with an optional `/step`, comma-separated. */
const readValues = (
  text: string,
  min: number,
  max: number,
  names: readonly string[] | undefined,
  fail: (why: string) => ValidationException,
): Set<number> => {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText, ...rest] = part.split('/');
    if (rest.length > 0 || range === '') throw fail(`'${part}' is not a valid field part.`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (stepText !== undefined && (!/^\d+$/.test(stepText) || step < 1)) {
      throw fail(`'${stepText}' is not a valid step.`);
    }
    let from: number;
    let to: number;
    if (range === '*') {
      from = min;
      to = max;
    } else if (range.includes('-')) {
      const [fromText = '', toText = '', ...more] = range.split('-');
      if (more.length > 0) throw fail(`'${range}' is not a valid range.`);
      from = readValue(fromText, min, max, names, fail);
      to = readValue(toText, min, max, names, fail);
      if (from > to) throw fail(`the range '${range}' runs backwards.`);
    } else {
      from = readValue(range, min, max, names, fail);
      // `a/step` runs from a to the end of the field.
      to = stepText === undefined ? from : max;
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
};

const readDayOfMonth = (
  text: string,
  fail: (why: string) => ValidationException,
): DayOfMonthRule => {
  if (text === '?' || text === '*') return { kind: 'any' };
  const upper = text.toUpperCase();
  if (upper === 'L') return { kind: 'last', offset: 0 };
  if (upper === 'LW') return { kind: 'lastWeekday' };
  const lastOffset = /^L-(\d+)$/.exec(upper);
  if (lastOffset) {
    const offset = Number(lastOffset[1]);
    if (offset > 30) throw fail(`'${text}' is too far from the end of the month.`);
    return { kind: 'last', offset };
  }
  const nearest = /^(\d+)W$/.exec(upper);
  if (nearest)
    return { kind: 'nearestWeekday', day: readValue(nearest[1] ?? '', 1, 31, undefined, fail) };
  return { kind: 'days', days: readValues(text, 1, 31, undefined, fail) };
};

const readDayOfWeek = (text: string, fail: (why: string) => ValidationException): DayOfWeekRule => {
  if (text === '?' || text === '*') return { kind: 'any' };
  const upper = text.toUpperCase();
  const last = /^([A-Z0-9]+)L$/.exec(upper);
  if (last) return { kind: 'last', weekday: readValue(last[1] ?? '', 1, 7, WEEKDAY_NAMES, fail) };
  const nth = /^([A-Z0-9]+)#(\d+)$/.exec(upper);
  if (nth) {
    const weekday = readValue(nth[1] ?? '', 1, 7, WEEKDAY_NAMES, fail);
    const which = Number(nth[2]);
    if (which < 1 || which > 5) throw fail(`'${text}' names no week of a month.`);
    return { kind: 'nth', weekday, nth: which };
  }
  return { kind: 'days', days: readValues(text, 1, 7, WEEKDAY_NAMES, fail) };
};

const parseCron = (expression: string, body: string): Schedule => {
  const fail = (why: string) => invalid(expression, why);
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw fail(
      'A cron expression has six fields: minutes hours day-of-month month day-of-week year.',
    );
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = fields;
  // AWS's rule: one of the two day fields is `?`, the other says which days.
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    throw fail('Exactly one of the day-of-month and day-of-week fields must be ?.');
  }
  return {
    kind: 'cron',
    expression,
    fields: {
      minutes: [...readValues(minutes, 0, 59, undefined, fail)].sort((a, b) => a - b),
      hours: [...readValues(hours, 0, 23, undefined, fail)].sort((a, b) => a - b),
      dayOfMonth: readDayOfMonth(dayOfMonth, fail),
      months: readValues(month, 1, 12, MONTH_NAMES, fail),
      dayOfWeek: readDayOfWeek(dayOfWeek, fail),
      years: year === '*' ? 'any' : readValues(year, FIRST_YEAR, LAST_YEAR, undefined, fail),
    },
  };
};

/**
 * Reads a `Schedule` member once, at PutScheduledAction, so that a wrong
 * expression is the caller's ValidationException rather than an action that
 * silently never fires; the evaluator then works on the parsed form.
 *
 * @example parseSchedule('cron(0 9 ? * MON-FRI *)')
 */
const parseSchedule = (expression: string): Schedule => {
  const match = /^(at|rate|cron)\((.*)\)$/.exec(expression.trim());
  if (!match) throw invalid(expression, 'Expected at(...), rate(...) or cron(...).');
  const [, kind, body = ''] = match;
  if (kind === 'at') return parseAt(expression, body);
  if (kind === 'rate') return parseRate(expression, body);
  return parseCron(expression, body);
};

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one is the expensive part of a conversion. */
const formatterOf = (timezone: string): Intl.DateTimeFormat => {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
};

/**
 * Whether Node's ICU knows the IANA zone, which is what converting needs;
 * validation asks it so that an unknown `Timezone` fails at the request.
 */
const isKnownTimezone = (timezone: string): boolean => {
  try {
    formatterOf(timezone);
    return true;
  } catch {
    return false;
  }
};

/** The wall-clock time in `timezone` at an instant. */
const wallClockAt = (instant: number, timezone: string): LocalDateTime => {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timezone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 0,
    month: parts.month ?? 0,
    day: parts.day ?? 0,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
};

const asUtc = (local: LocalDateTime): number =>
  Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);

/** The zone's offset from UTC at an instant, in milliseconds. */
const offsetAt = (instant: number, timezone: string): number =>
  asUtc(wallClockAt(instant, timezone)) - Math.floor(instant / 1000) * 1000;

/**
 * The instant a wall-clock time names in `timezone`: the earlier one when
 * the clocks go back and it happens twice, undefined when the clocks go
 * forward over it (the occurrence is skipped, as the hour does not exist).
 * The offsets half a day either side bracket any one transition.
 */
const instantOf = (local: LocalDateTime, timezone: string): number | undefined => {
  const guess = asUtc(local);
  const candidates = [
    guess - offsetAt(guess - DAY_MS / 2, timezone),
    guess - offsetAt(guess + DAY_MS / 2, timezone),
  ].filter((instant) => asUtc(wallClockAt(instant, timezone)) === guess);
  return candidates.length === 0 ? undefined : Math.min(...candidates);
};

const nearestWeekday = (year: number, month: number, day: number): number => {
  const last = daysInMonth(year, month);
  const target = Math.min(day, last);
  const weekday = weekdayOf(year, month, target);
  if (weekday === 7) return target === 1 ? 3 : target - 1; // Saturday: Friday, or Monday the 3rd.
  if (weekday === 1) return target === last ? target - 2 : target + 1; // Sunday: Monday, or Friday.
  return target;
};

const dayOfMonthMatches = (rule: DayOfMonthRule, year: number, month: number, day: number) => {
  const last = daysInMonth(year, month);
  switch (rule.kind) {
    case 'any':
      return true;
    case 'days':
      return rule.days.has(day);
    case 'last':
      return day === last - rule.offset;
    case 'nearestWeekday':
      return day === nearestWeekday(year, month, rule.day);
    case 'lastWeekday':
      return day === nearestWeekday(year, month, last);
  }
};

const dayOfWeekMatches = (rule: DayOfWeekRule, year: number, month: number, day: number) => {
  const weekday = weekdayOf(year, month, day);
  switch (rule.kind) {
    case 'any':
      return true;
    case 'days':
      return rule.days.has(weekday);
    case 'last':
      return weekday === rule.weekday && day + 7 > daysInMonth(year, month);
    case 'nth':
      return weekday === rule.weekday && Math.ceil(day / 7) === rule.nth;
  }
};

const cronDayMatches = (fields: CronFields, year: number, month: number, day: number) =>
  (fields.years === 'any' || fields.years.has(year)) &&
  fields.months.has(month) &&
  dayOfMonthMatches(fields.dayOfMonth, year, month, day) &&
  dayOfWeekMatches(fields.dayOfWeek, year, month, day);

const cronOccurrences = (fields: CronFields, timezone: string, from: number, to: number) => {
  const occurrences: number[] = [];
  // Walk the zone's civil days that the window touches (a day either side
  // covers any offset), and the day's matching times within it.
  const first = wallClockAt(from, timezone);
  const lastDay = wallClockAt(to, timezone);
  const end = Date.UTC(lastDay.year, lastDay.month - 1, lastDay.day) + DAY_MS;
  for (
    let day = Date.UTC(first.year, first.month - 1, first.day) - DAY_MS;
    day <= end;
    day += DAY_MS
  ) {
    const date = new Date(day);
    const [year, month, dayOfMonth] = [
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
    ];
    if (!cronDayMatches(fields, year, month, dayOfMonth)) continue;
    // Most days keep one offset from before to after them: their times then
    // convert by arithmetic, and only a day with a clock change asks the zone
    // about each time.
    const offsetBefore = offsetAt(day - DAY_MS, timezone);
    const steady = offsetBefore === offsetAt(day + 2 * DAY_MS, timezone);
    if (steady && (day - offsetBefore > to || day + DAY_MS - offsetBefore < from)) continue;
    for (const hour of fields.hours) {
      for (const minute of fields.minutes) {
        const local = { year, month, day: dayOfMonth, hour, minute, second: 0 };
        const instant = steady ? asUtc(local) - offsetBefore : instantOf(local, timezone);
        if (instant !== undefined && instant >= from && instant <= to) occurrences.push(instant);
      }
    }
  }
  return occurrences.sort((a, b) => a - b);
};

/**
 * The occurrences of a schedule in `(after, upTo]`, in order, also within
 * `[startTime, endTime]`. An evaluator that passes its previous run's
 * `upTo` as the next `after` fires every occurrence exactly once.
 *
 * `cron` and `rate` fire on whole minutes (a rate's origin is floored to
 * its minute), so no two occurrences share a minute. The cost of a `cron`
 * window is linear in the days it spans.
 *
 * @example dueOccurrences(parseSchedule('rate(5 minutes)'), { createdAt }, lastRun, now)
 */
const dueOccurrences = (
  schedule: Schedule,
  context: ScheduleContext,
  after: number,
  upTo: number,
): number[] => {
  const from = Math.max(after + 1, context.startTime ?? Number.NEGATIVE_INFINITY);
  const to = Math.min(upTo, context.endTime ?? Number.POSITIVE_INFINITY);
  if (from > to) return [];
  const timezone = context.timezone ?? 'UTC';
  switch (schedule.kind) {
    case 'at': {
      const instant = instantOf(schedule.at, timezone);
      return instant !== undefined && instant >= from && instant <= to ? [instant] : [];
    }
    case 'rate': {
      // From StartTime the first occurrence is StartTime itself; from
      // creation, one period later (it was just created).
      const hasStart = context.startTime !== undefined;
      const origin = Math.floor((context.startTime ?? context.createdAt) / MINUTE_MS) * MINUTE_MS;
      const firstIndex = Math.max(hasStart ? 0 : 1, Math.ceil((from - origin) / schedule.periodMs));
      const occurrences: number[] = [];
      for (let index = firstIndex; origin + index * schedule.periodMs <= to; index += 1) {
        occurrences.push(origin + index * schedule.periodMs);
      }
      return occurrences;
    }
    case 'cron':
      return cronOccurrences(schedule.fields, timezone, from, to);
  }
};

export type { CronFields, DayOfMonthRule, DayOfWeekRule, LocalDateTime, Schedule, ScheduleContext };
export { dueOccurrences, instantOf, isKnownTimezone, parseSchedule, wallClockAt };
