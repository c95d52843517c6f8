import { InvalidNextToken, ValidationError } from './errors';
import type { MetricIdentity, MetricSample } from './model';
import { aggregate, alignedStart, statisticOf } from './statistics';
import type { GetMetricDataInput, MetricDataQueryInput } from './validation';

/**
 * GetMetricData's evaluation: MetricStat queries through statistics.ts, a
 * small metric-math subset for Expressions, ordering and paging.
 *
 * Metric math supported: numbers, query ids, `+ - * /` (series with series
 * on their common timestamps, series with scalars pointwise) with
 * parentheses and unary minus; `SUM`, `AVG`, `MIN`, `MAX` of an array of
 * series (a series per timestamp) or of one series (a scalar, as CloudWatch
 * does); `METRICS()` and `METRICS("prefix")` (the MetricStat queries whose
 * id starts with the prefix); `FILL(series, value)` over the query's period
 * grid. Anything else (an unknown function, a syntax error, an unknown id, a
 * cycle) is refused with ValidationError "Error in expression <id>: …"
 * before any result, as CloudWatch answers a malformed expression; a
 * division by zero just leaves that datapoint out.
 *
 * The reader is synchronous: the caller loads each MetricStat's samples
 * first (it knows them all from the request), so evaluation stays a pure
 * function with no interleaving to reason about.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html
 */

/** Reads a metric's samples in [fromMs, toMs). */
type SampleReader = (
  identity: MetricIdentity,
  fromMs: number,
  toMs: number,
) => readonly MetricSample[];

type Series = Map<number, number>;
type Value =
  | { readonly kind: 'scalar'; readonly value: number }
  | { readonly kind: 'series'; readonly series: Series }
  | { readonly kind: 'list'; readonly items: Series[] };

interface MetricDataResult {
  Id: string;
  Label: string;
  /** Epoch seconds (JSON 1.0). */
  Timestamps: number[];
  Values: number[];
  StatusCode: 'Complete' | 'PartialData';
}

interface GetMetricDataOutput {
  MetricDataResults: MetricDataResult[];
  NextToken?: string;
  Messages: [];
}

// ---------------------------------------------------------------- expressions

type Token =
  | { type: 'number'; value: number }
  | { type: 'name'; value: string }
  | { type: 'string'; value: string }
  | { type: 'op'; value: string };

const tokenize = (text: string): Token[] => {
  const tokens: Token[] = [];
  const pattern =
    /\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z0-9_]*)|"([^"]*)"|'([^']*)'|([-+*/(),]))/y;
  let index = 0;
  while (index < text.length) {
    if (/^\s*$/.test(text.slice(index))) break;
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (!match) throw new Error(`Unexpected character at position ${index + 1}`);
    index = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ type: 'number', value: Number(match[1]) });
    else if (match[2] !== undefined) tokens.push({ type: 'name', value: match[2] });
    else if (match[3] !== undefined || match[4] !== undefined)
      tokens.push({ type: 'string', value: match[3] ?? match[4] ?? '' });
    else tokens.push({ type: 'op', value: match[5] ?? '' });
  }
  return tokens;
};

interface Context {
  readonly resolve: (id: string) => Value;
  readonly metricIds: readonly string[];
  readonly grid: readonly number[];
}

const combine = (a: Value, b: Value, op: (x: number, y: number) => number): Value => {
  const pointwise = (series: Series, f: (x: number, timestamp: number) => number | undefined) => {
    const out: Series = new Map();
    for (const [timestamp, x] of series) {
      const y = f(x, timestamp);
      if (y !== undefined && Number.isFinite(y)) out.set(timestamp, y);
    }
    return out;
  };
  if (a.kind === 'list' || b.kind === 'list')
    throw new Error('Arithmetic on an array of time series is not supported');
  if (a.kind === 'scalar' && b.kind === 'scalar')
    return { kind: 'scalar', value: op(a.value, b.value) };
  if (a.kind === 'series' && b.kind === 'scalar')
    return { kind: 'series', series: pointwise(a.series, (x) => op(x, b.value)) };
  if (a.kind === 'scalar' && b.kind === 'series')
    return { kind: 'series', series: pointwise(b.series, (y) => op(a.value, y)) };
  if (a.kind === 'series' && b.kind === 'series') {
    return {
      kind: 'series',
      series: pointwise(a.series, (x, timestamp) => {
        const y = b.series.get(timestamp);
        return y === undefined ? undefined : op(x, y);
      }),
    };
  }
  throw new Error('Unsupported operands');
};

const REDUCERS: Record<string, (values: number[]) => number> = {
  SUM: (values) => values.reduce((sum, v) => sum + v, 0),
  AVG: (values) => values.reduce((sum, v) => sum + v, 0) / values.length,
  MIN: (values) => Math.min(...values),
  MAX: (values) => Math.max(...values),
};

const evaluateExpression = (text: string, context: Context): Value => {
  const tokens = tokenize(text);
  let position = 0;
  const peek = () => tokens[position];
  const take = (value: string) => {
    const token = tokens[position];
    if (token?.type !== 'op' || token.value !== value) throw new Error(`Expected '${value}'`);
    position += 1;
  };

  const args = (): (Value | string)[] => {
    take('(');
    const list: (Value | string)[] = [];
    if (peek()?.type === 'op' && peek()?.value === ')') {
      position += 1;
      return list;
    }
    for (;;) {
      const token = peek();
      if (token?.type === 'string') {
        position += 1;
        list.push(token.value);
      } else list.push(expression());
      if (peek()?.type === 'op' && peek()?.value === ',') position += 1;
      else break;
    }
    take(')');
    return list;
  };

  const call = (name: string): Value => {
    const list = args();
    if (name === 'METRICS') {
      const prefix = list[0];
      if (list.length > 1 || (prefix !== undefined && typeof prefix !== 'string')) {
        throw new Error('METRICS takes at most one string');
      }
      const ids = context.metricIds.filter((id) => prefix === undefined || id.startsWith(prefix));
      return {
        kind: 'list',
        items: ids.map((id) => {
          const value = context.resolve(id);
          return value.kind === 'series' ? value.series : new Map();
        }),
      };
    }
    if (name === 'FILL') {
      const [series, fill] = list;
      if (
        list.length !== 2 ||
        typeof series !== 'object' ||
        series.kind !== 'series' ||
        typeof fill !== 'object' ||
        fill.kind !== 'scalar'
      ) {
        throw new Error('FILL takes a time series and a number');
      }
      const out: Series = new Map();
      for (const timestamp of context.grid)
        out.set(timestamp, series.series.get(timestamp) ?? fill.value);
      return { kind: 'series', series: out };
    }
    const reduce = REDUCERS[name];
    if (!reduce) throw new Error(`Unknown function ${name}`);
    if (list.length === 1 && typeof list[0] === 'object' && list[0].kind === 'series') {
      const values = [...list[0].series.values()];
      return { kind: 'scalar', value: values.length === 0 ? Number.NaN : reduce(values) };
    }
    const items = list.flatMap((item) => {
      if (typeof item === 'string' || item.kind === 'scalar')
        throw new Error(`${name} takes time series`);
      return item.kind === 'list' ? item.items : [item.series];
    });
    const timestamps = [...new Set(items.flatMap((series) => [...series.keys()]))];
    const out: Series = new Map();
    for (const timestamp of timestamps) {
      const values = items.flatMap((series) => {
        const v = series.get(timestamp);
        return v === undefined ? [] : [v];
      });
      out.set(timestamp, reduce(values));
    }
    return { kind: 'series', series: out };
  };

  const factor = (): Value => {
    const token = peek();
    if (!token) throw new Error('Unexpected end of expression');
    position += 1;
    if (token.type === 'number') return { kind: 'scalar', value: token.value };
    if (token.type === 'op' && token.value === '-')
      return combine({ kind: 'scalar', value: -1 }, factor(), (x, y) => x * y);
    if (token.type === 'op' && token.value === '(') {
      const value = expression();
      take(')');
      return value;
    }
    if (token.type === 'name') {
      const next = peek();
      if (next?.type === 'op' && next.value === '(') return call(token.value);
      return context.resolve(token.value);
    }
    throw new Error(`Unexpected ${JSON.stringify(token.value)}`);
  };

  const OPS: Record<string, (x: number, y: number) => number> = {
    '+': (x, y) => x + y,
    '-': (x, y) => x - y,
    '*': (x, y) => x * y,
    '/': (x, y) => x / y,
  };
  const binary = (operand: () => Value, ops: string[]) => (): Value => {
    let left = operand();
    for (let token = peek(); token?.type === 'op' && ops.includes(token.value); token = peek()) {
      position += 1;
      const op = OPS[token.value];
      if (op) left = combine(left, operand(), op);
    }
    return left;
  };
  const term = binary(factor, ['*', '/']);
  const expression: () => Value = binary(term, ['+', '-']);

  const value = expression();
  if (position < tokens.length)
    throw new Error(`Unexpected ${JSON.stringify(tokens[position]?.value)}`);
  return value;
};

// ---------------------------------------------------------------- paging

const encodeToken = (offset: number): string =>
  Buffer.from(JSON.stringify({ v: 1, offset }), 'utf8').toString('base64');

const decodeToken = (token: string): number => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'v' in parsed &&
      parsed.v === 1 &&
      'offset' in parsed &&
      typeof parsed.offset === 'number' &&
      Number.isSafeInteger(parsed.offset) &&
      parsed.offset >= 0
    ) {
      return parsed.offset;
    }
  } catch {
    // fall through to the refusal
  }
  throw new InvalidNextToken();
};

// ---------------------------------------------------------------- GetMetricData

/**
 * GetMetricData's answer: one result per ReturnData query, in request order,
 * datapoints ordered by ScanBy; at most MaxDatapoints datapoints over all
 * results per page, with an opaque NextToken (base64 JSON of the offset into
 * that order) for the rest. A result cut short on this page is
 * `PartialData`, else `Complete`.
 *
 * @example
 * getMetricData(validateGetMetricData(body), (identity, from, to) => preloaded(identity, from, to), now);
 */
const getMetricData = (
  input: GetMetricDataInput,
  read: SampleReader,
  nowMs: number,
): GetMetricDataOutput => {
  const byId = new Map(input.queries.map((query) => [query.id, query]));
  const computed = new Map<string, Value>();
  const inProgress = new Set<string>();
  const periods = input.queries.flatMap((query) =>
    query.metricStat ? [query.metricStat.periodSeconds] : [],
  );
  const defaultPeriod = Math.min(...periods, 60);
  const gridOf = (periodSeconds: number): number[] => {
    const grid: number[] = [];
    for (
      let t = alignedStart(input.startMs, periodSeconds, nowMs);
      t < input.endMs;
      t += periodSeconds * 1000
    )
      grid.push(t);
    return grid;
  };
  const metricIds = input.queries.filter((query) => query.metricStat).map((query) => query.id);

  const resolve = (query: MetricDataQueryInput): Value => {
    const done = computed.get(query.id);
    if (done) return done;
    let value: Value;
    if (query.metricStat) {
      const stat = query.metricStat;
      const from = alignedStart(input.startMs, stat.periodSeconds, nowMs);
      const identity = {
        namespace: stat.namespace,
        metricName: stat.metricName,
        dimensions: stat.dimensions,
      };
      const buckets = aggregate(read(identity, from, input.endMs), {
        startMs: input.startMs,
        endMs: input.endMs,
        periodSeconds: stat.periodSeconds,
        unit: stat.unit,
        nowMs,
      });
      const series: Series = new Map();
      for (const bucket of buckets) {
        const v = statisticOf(bucket, stat.stat);
        if (v !== undefined) series.set(bucket.timestamp, v);
      }
      value = { kind: 'series', series };
    } else {
      if (inProgress.has(query.id)) {
        throw new ValidationError(
          `Error in expression ${query.id}: Circular dependency between expressions`,
        );
      }
      inProgress.add(query.id);
      try {
        value = evaluateExpression(query.expression ?? '', {
          resolve: (id) => {
            const target = byId.get(id);
            if (!target) throw new Error(`Unrecognized metric or expression id ${id}`);
            return resolve(target);
          },
          metricIds,
          grid: gridOf(query.periodSeconds ?? defaultPeriod),
        });
      } catch (error) {
        if (error instanceof ValidationError) throw error;
        throw new ValidationError(`Error in expression ${query.id}: ${(error as Error).message}`);
      } finally {
        inProgress.delete(query.id);
      }
    }
    computed.set(query.id, value);
    return value;
  };

  // Every query is computed (ReturnData false ones too, as CloudWatch checks them).
  const all = input.queries.map((query) => ({ query, value: resolve(query) }));
  const descending = input.scanBy === 'TimestampDescending';
  const grid = [
    ...new Set(
      all.flatMap(({ value }) => (value.kind === 'series' ? [...value.series.keys()] : [])),
    ),
  ].sort((a, b) => a - b);
  const points = all
    .filter(({ query }) => query.returnData)
    .map(({ query, value }) => {
      let series: [number, number][];
      if (value.kind === 'series') series = [...value.series];
      else if (value.kind === 'scalar')
        series = Number.isFinite(value.value) ? grid.map((t) => [t, value.value]) : [];
      else
        throw new ValidationError(
          `Error in expression ${query.id}: The expression returns an array of time series; use it inside a function`,
        );
      series.sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]));
      return { query, series };
    });

  const offset = input.nextToken === undefined ? 0 : decodeToken(input.nextToken);
  const total = points.reduce((sum, { series }) => sum + series.length, 0);
  let cursor = 0;
  const end = offset + input.maxDatapoints;
  const results = points.map(({ query, series }) => {
    const from = Math.max(0, offset - cursor);
    const to = Math.max(0, Math.min(series.length, end - cursor));
    cursor += series.length;
    const page = from < to ? series.slice(from, to) : [];
    return {
      Id: query.id,
      Label: query.label ?? query.metricStat?.metricName ?? query.id,
      Timestamps: page.map(([t]) => t / 1000),
      Values: page.map(([, v]) => v),
      StatusCode: to < series.length ? ('PartialData' as const) : ('Complete' as const),
    };
  });
  return {
    MetricDataResults: results,
    ...(end < total ? { NextToken: encodeToken(end) } : {}),
    Messages: [],
  };
};

export type { GetMetricDataOutput, MetricDataResult, SampleReader };
export { getMetricData };
