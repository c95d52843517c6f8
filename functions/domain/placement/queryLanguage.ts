import { InvalidParameterException } from '../errors';
import { attributeOf, type PlacementInstance } from './model';

/**
 * The ECS cluster query language: `memberOf` constraint expressions and the
 * `filter` of ListContainerInstances.
 *
 * ```
 * expression := or
 * or         := and (('||' | 'or') and)*
 * and        := unary (('&&' | 'and') unary)*
 * unary      := ('!' | 'not') unary | '(' expression ')' | comparison
 * comparison := subject operator [argument]
 * argument   := value | '[' value (',' value)* ']'        (the list only after in / not_in)
 * ```
 *
 * so `not` binds tighter than `and`, which binds tighter than `or`, and
 * parentheses group. Keywords and word operators are accepted in any letter
 * case; subjects are spelled as ECS spells them. A value is a quoted string
 * (`'…'` or `"…"`) or a run of non-blank characters; an unquoted value ends at
 * a `)` that it did not open itself and at `&&`/`||`, so
 * `not(task:group == database)` reads as expected (quote regular expressions
 * that contain those).
 *
 * An expression is parsed once into an {@link Expression} whose arguments are
 * already compiled (regular expressions, sets, numbers, instants) and then
 * evaluated as often as needed. Comparisons are numeric for
 * `runningTasksCount`, by version for `agentVersion` (`1.14.5 < 1.9` is
 * false), by instant for `registeredAt`, and by string otherwise.
 *
 * Absent values: a positive test (`==`, `in`, `=~`, `>`, …) on an attribute
 * an instance lacks is false, and its negation (`!=`, `!in`, `!~`) is exactly
 * the negation, so `attribute:stack != prod` selects instances without a
 * `stack` attribute too.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/cluster-query-language.html
 */

/** ECS limit on a constraint expression. */
const MAX_EXPRESSION_LENGTH = 2000;

const SUBJECTS = [
  'attribute',
  'agentConnected',
  'agentVersion',
  'ec2InstanceId',
  'registeredAt',
  'runningTasksCount',
  'task:group',
] as const;
type Subject = (typeof SUBJECTS)[number];

/** Operators, by their word form. */
type Operator =
  | 'equals'
  | 'not_equals'
  | 'greater_than'
  | 'greater_than_equal'
  | 'less_than'
  | 'less_than_equal'
  | 'exists'
  | 'not_exists'
  | 'in'
  | 'not_in'
  | 'matches'
  | 'not_matches';

/** What a subject must offer for an expression to be evaluated against it. */
type QueryTarget = Pick<
  PlacementInstance,
  | 'attributes'
  | 'agentConnected'
  | 'agentVersion'
  | 'ec2InstanceId'
  | 'registeredAt'
  | 'runningTasksCount'
  | 'taskGroups'
>;

/** A comparison's argument, compiled for its subject and operator. */
type Argument =
  | { readonly type: 'none' }
  | { readonly type: 'text'; readonly value: string }
  | { readonly type: 'set'; readonly values: ReadonlySet<string> }
  | { readonly type: 'pattern'; readonly regex: RegExp }
  | { readonly type: 'number'; readonly value: number }
  | { readonly type: 'version'; readonly parts: readonly number[] }
  /** An instant (epoch ms) and the precision it was written with (day, second or millisecond). */
  | { readonly type: 'instant'; readonly at: number; readonly precision: number };

interface Comparison {
  readonly kind: 'comparison';
  readonly subject: Subject;
  /** The attribute name, for the `attribute` subject. */
  readonly attribute?: string | undefined;
  readonly operator: Operator;
  /** The argument as written (quotes removed): none, one value, or the list of `in`. */
  readonly values: readonly string[];
  readonly argument: Argument;
  /** 1-based position of the subject in the expression text. */
  readonly position: number;
}

type Expression =
  | Comparison
  | { readonly kind: 'and'; readonly operands: readonly Expression[] }
  | { readonly kind: 'or'; readonly operands: readonly Expression[] }
  | { readonly kind: 'not'; readonly operand: Expression };

// ---------------------------------------------------------------------------
// Operators and their forms
// ---------------------------------------------------------------------------

/** Symbolic forms, longest first so that `>=` is not read as `>`. */
const SYMBOLS: readonly (readonly [string, Operator])[] = [
  ['!exists', 'not_exists'],
  ['!in', 'not_in'],
  ['!=', 'not_equals'],
  ['!~', 'not_matches'],
  ['==', 'equals'],
  ['=~', 'matches'],
  ['>=', 'greater_than_equal'],
  ['<=', 'less_than_equal'],
  ['>', 'greater_than'],
  ['<', 'less_than'],
];
const WORD_OPERATORS: ReadonlySet<string> = new Set<Operator>([
  'equals',
  'not_equals',
  'greater_than',
  'greater_than_equal',
  'less_than',
  'less_than_equal',
  'exists',
  'not_exists',
  'in',
  'not_in',
  'matches',
  'not_matches',
]);

/** How error messages show an operator: its symbol where it has one. */
const DISPLAY: Readonly<Record<Operator, string>> = {
  equals: '==',
  not_equals: '!=',
  greater_than: '>',
  greater_than_equal: '>=',
  less_than: '<',
  less_than_equal: '<=',
  exists: 'exists',
  not_exists: '!exists',
  in: 'in',
  not_in: '!in',
  matches: '=~',
  not_matches: '!~',
};

const EQUALITY: readonly Operator[] = ['equals', 'not_equals', 'in', 'not_in'];
const PATTERN: readonly Operator[] = ['matches', 'not_matches'];
const ORDERING: readonly Operator[] = [
  'greater_than',
  'greater_than_equal',
  'less_than',
  'less_than_equal',
];
const EXISTENCE: readonly Operator[] = ['exists', 'not_exists'];

/**
 * The operators each subject takes, as the ECS guide lists them (plus
 * `exists`/`not_exists` everywhere, which the guide lists as general
 * operators). Attributes take all of them; ordering compares strings.
 */
const OPERATORS_BY_SUBJECT: Readonly<Record<Subject, ReadonlySet<Operator>>> = {
  attribute: new Set([...EQUALITY, ...PATTERN, ...ORDERING, ...EXISTENCE]),
  agentConnected: new Set([...EQUALITY, ...PATTERN, ...EXISTENCE]),
  ec2InstanceId: new Set([...EQUALITY, ...PATTERN, ...EXISTENCE]),
  'task:group': new Set([...EQUALITY, ...PATTERN, ...EXISTENCE]),
  agentVersion: new Set(['equals', 'not_equals', ...ORDERING, ...EXISTENCE] as Operator[]),
  registeredAt: new Set(['equals', 'not_equals', ...ORDERING, ...EXISTENCE] as Operator[]),
  runningTasksCount: new Set(['equals', 'not_equals', ...ORDERING, ...EXISTENCE] as Operator[]),
};

/** The negated operators and the positive test each negates. */
const NEGATIONS: Partial<Record<Operator, Operator>> = {
  not_equals: 'equals',
  not_in: 'in',
  not_matches: 'matches',
  not_exists: 'exists',
};

const SUBJECT_CHAR = /[A-Za-z0-9_.:/\\-]/;
const WORD_CHAR = /[A-Za-z0-9_]/;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_./\\-]{1,128}$/;
const WHITESPACE = /\s/;

const DAY_MS = 86_400_000;
const DATE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?)?$/;

// ---------------------------------------------------------------------------
// Argument compilation
// ---------------------------------------------------------------------------

/** Reads one of the ECS date forms (`2018-06-18`, `2018-06-18T22:28:28`, `…Z`, `…+00:00`); no zone means UTC. */
function parseInstant(text: string): { at: number; precision: number } | undefined {
  const match = DATE_PATTERN.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const fields = [year, month, day, hour ?? '0', minute ?? '0', second ?? '0'].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;
  const millis = fraction === undefined ? 0 : Math.floor(Number(`0${fraction}`) * 1000);
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, millis);
  const check = new Date(utc);
  if (
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() !== mo - 1 ||
    check.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  ) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const digits = zone.replace(':', '');
    const hours = Number(digits.slice(1, 3));
    const minutes = Number(digits.slice(3, 5));
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
  }
  const precision = hour === undefined ? DAY_MS : fraction === undefined ? 1000 : 1;
  return { at: utc - offsetMinutes * 60_000, precision };
}

/** `1.14.5` → [1, 14, 5]; an optional `v` prefix and any suffix after the numbers are ignored. */
function parseVersion(text: string): number[] | undefined {
  const match = /^v?(\d+(?:\.\d+)*)/.exec(text);
  return match?.[1]?.split('.').map(Number);
}

/** Orders versions part by part; missing parts count as 0, so 1.14 equals 1.14.0. */
function compareVersions(left: readonly number[], right: readonly number[]): number {
  const length = Math.max(left.length, right.length);
  for (let index = 0; index < length; index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * Compiles a Java regular expression for `matches`, which (like Java's
 * `String.matches`) must match the whole value: the pattern is anchored at
 * both ends. Leading inline flags `(?i)`, `(?s)`, `(?m)` become JavaScript
 * flags and `\A`, `\z`, `\Z` become input boundaries; any other construct
 * JavaScript lacks (possessive quantifiers, atomic groups) is a syntax error.
 */
function compileJavaPattern(pattern: string): RegExp {
  let body = pattern;
  let flags = '';
  const inline = /^\(\?([a-zA-Z]+)\)/.exec(body);
  if (inline) {
    for (const flag of inline[1] ?? '') {
      if (flag === 'i' || flag === 's' || flag === 'm') {
        if (!flags.includes(flag)) flags += flag;
      } else {
        throw new SyntaxError(`the inline flag '${flag}' is not supported`);
      }
    }
    body = body.slice(inline[0].length);
  }
  let translated = '';
  for (let index = 0; index < body.length; index += 1) {
    const char = body[index];
    if (char === '\\' && index + 1 < body.length) {
      const next = body[index + 1];
      if (next === 'A') translated += '(?<![\\s\\S])';
      else if (next === 'z' || next === 'Z') translated += '(?![\\s\\S])';
      else translated += `\\${next}`;
      index += 1;
    } else {
      translated += char;
    }
  }
  return new RegExp(`^(?:${translated})$`, flags);
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

/** Shortens a token for an error message. */
const excerpt = (text: string): string => (text.length > 40 ? `${text.slice(0, 37)}...` : text);

/**
 * A recursive-descent parser reading straight from the text (values need the
 * context of their operator, so there is no separate tokenizer). It keeps the
 * last token it consumed so that every error can say what it expected *after*
 * what.
 */
class Parser {
  private position = 0;
  private lastToken = '';

  constructor(private readonly text: string) {}

  parse(): Expression {
    this.skipBlank();
    if (this.atEnd()) this.fail(this.position, 'expected an expression but found nothing');
    const expression = this.parseOr();
    this.skipBlank();
    if (!this.atEnd()) {
      if (this.peek() === ')') {
        this.fail(this.position, "found ')' without a matching '('");
      }
      this.fail(
        this.position,
        `expected 'and', 'or' or the end of the expression after '${excerpt(this.lastToken)}' but found '${excerpt(this.tokenAt(this.position))}'`,
      );
    }
    return expression;
  }

  // --- grammar ---------------------------------------------------------

  private parseOr(): Expression {
    const operands = [this.parseAnd()];
    for (;;) {
      this.skipBlank();
      const operator = this.symbol('||') ?? this.keyword('or');
      if (operator === undefined) break;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  private parseAnd(): Expression {
    const operands = [this.parseUnary()];
    for (;;) {
      this.skipBlank();
      const operator = this.symbol('&&') ?? this.keyword('and');
      if (operator === undefined) break;
      operands.push(this.parseUnary());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  private parseUnary(): Expression {
    this.skipBlank();
    if (this.atEnd()) {
      this.fail(this.position, `expected an expression after '${excerpt(this.lastToken)}'`);
    }
    // `!` here is negation; `!=`, `!~`, `!in`, `!exists` only ever follow a subject.
    const bang = this.peek() === '!' && !['=', '~'].includes(this.text[this.position + 1] ?? '');
    if (bang) {
      this.consume(1);
      return { kind: 'not', operand: this.parseUnary() };
    }
    if (this.keyword('not') !== undefined) {
      return { kind: 'not', operand: this.parseUnary() };
    }
    if (this.peek() === '(') {
      const open = this.position;
      this.consume(1);
      const inner = this.parseOr();
      this.skipBlank();
      if (this.peek() !== ')') {
        this.fail(
          this.position,
          `expected ')' to close the '(' at position ${open + 1}${this.foundSuffix()}`,
        );
      }
      this.consume(1);
      return inner;
    }
    return this.parseComparison();
  }

  private parseComparison(): Comparison {
    const start = this.position;
    const word = this.readWhile(SUBJECT_CHAR);
    if (word === '') {
      this.fail(
        start,
        `expected a subject (attribute:<name>, agentConnected, agentVersion, ec2InstanceId, registeredAt, runningTasksCount or task:group)${this.foundSuffix()}`,
      );
    }
    const { subject, attribute } = this.resolveSubject(word, start);
    this.lastToken = word;

    this.skipBlank();
    const operatorStart = this.position;
    const read = this.readOperator();
    if (read === undefined) {
      this.fail(
        operatorStart,
        `expected an operator after '${excerpt(word)}'${this.foundSuffix()}`,
      );
    }
    const [operatorText, operator] = read;
    if (!OPERATORS_BY_SUBJECT[subject].has(operator)) {
      const valid = [...OPERATORS_BY_SUBJECT[subject]].map((name) => DISPLAY[name]).join(', ');
      this.fail(
        operatorStart,
        `the operator '${operatorText}' cannot be used with '${subject}'; use one of ${valid}`,
      );
    }
    this.lastToken = operatorText;

    const base = NEGATIONS[operator] ?? operator;
    let values: string[] = [];
    let argument: Argument = { type: 'none' };
    if (base === 'in') {
      const items = this.readList(operatorText);
      values = items.map((item) => item.value);
      argument = this.compileList(subject, items);
    } else if (base !== 'exists') {
      const value = this.readScalar(operatorText);
      values = [value.value];
      argument = this.compileScalar(subject, base, value, operatorText);
    }
    return {
      kind: 'comparison',
      subject,
      ...(attribute === undefined ? {} : { attribute }),
      operator,
      values,
      argument,
      position: start + 1,
    };
  }

  private resolveSubject(word: string, start: number): { subject: Subject; attribute?: string } {
    if (word.startsWith('attribute:')) {
      const name = word.slice('attribute:'.length);
      if (!ATTRIBUTE_NAME.test(name)) {
        this.fail(
          start + 'attribute:'.length,
          name === ''
            ? "expected an attribute name after 'attribute:'"
            : `'${excerpt(name)}' is not a valid attribute name (1-128 letters, digits, '-', '_', '.', '/' or '\\')`,
        );
      }
      return { subject: 'attribute', attribute: name };
    }
    const subject = SUBJECTS.find((candidate) => candidate !== 'attribute' && candidate === word);
    if (subject === undefined) {
      this.fail(
        start,
        `expected a subject (attribute:<name>, agentConnected, agentVersion, ec2InstanceId, registeredAt, runningTasksCount or task:group) but found '${excerpt(word)}'`,
      );
    }
    return { subject };
  }

  private readOperator(): [string, Operator] | undefined {
    for (const [symbol, operator] of SYMBOLS) {
      if (!this.text.startsWith(symbol, this.position)) continue;
      // `!in`/`!exists` are words after the bang: `!inside` is not `!in side`.
      const wordy = /[a-z]$/.test(symbol);
      if (wordy && WORD_CHAR.test(this.text[this.position + symbol.length] ?? '')) continue;
      this.consume(symbol.length);
      return [symbol, operator];
    }
    const start = this.position;
    const word = this.readWhile(WORD_CHAR);
    const lower = word.toLowerCase();
    if (WORD_OPERATORS.has(lower)) return [word, lower as Operator];
    this.position = start;
    return undefined;
  }

  /** `[a, 'b c', d]` after `in`/`not_in`. */
  private readList(after: string): { value: string; at: number }[] {
    this.skipBlank();
    if (this.peek() !== '[') {
      this.fail(
        this.position,
        `expected '[' to start a list after '${after}'${this.foundSuffix()}`,
      );
    }
    this.consume(1);
    this.lastToken = '[';
    const items: { value: string; at: number }[] = [];
    for (;;) {
      this.skipBlank();
      const at = this.position;
      const value = this.readValue(/[\s,[\]()]/, false);
      if (value === undefined) {
        this.fail(at, `expected a value after '${excerpt(this.lastToken)}'${this.foundSuffix()}`);
      }
      items.push({ value, at });
      this.lastToken = value;
      this.skipBlank();
      if (this.peek() === ',') {
        this.consume(1);
        this.lastToken = ',';
        continue;
      }
      if (this.peek() === ']') {
        this.consume(1);
        this.lastToken = ']';
        return items;
      }
      this.fail(
        this.position,
        `expected ',' or ']' after '${excerpt(value)}'${this.foundSuffix()}`,
      );
    }
  }

  private readScalar(after: string): { value: string; at: number } {
    this.skipBlank();
    const at = this.position;
    const value = this.atEnd() ? undefined : this.readValue(WHITESPACE, true);
    if (value === undefined) {
      this.fail(at, `expected a value after '${excerpt(after)}'${this.foundSuffix()}`);
    }
    this.lastToken = value;
    return { value, at };
  }

  /**
   * A quoted value, or an unquoted run that stops at `stop`, at `&&`/`||`
   * and (when `balanced`) at a `)` it did not open. Undefined when empty.
   */
  private readValue(stop: RegExp, balanced: boolean): string | undefined {
    const quote = this.peek();
    if (quote === "'" || quote === '"') {
      const open = this.position;
      let value = '';
      let index = open + 1;
      for (; index < this.text.length; index += 1) {
        const char = this.text[index];
        if (char === '\\' && this.text[index + 1] === quote) {
          value += quote;
          index += 1;
        } else if (char === quote) {
          break;
        } else {
          value += char;
        }
      }
      if (index >= this.text.length) {
        this.fail(open, `the quoted value starting here is not closed with ${quote}`);
      }
      this.position = index + 1;
      return value;
    }
    const start = this.position;
    let depth = 0;
    while (!this.atEnd()) {
      const char = this.text[this.position]!;
      if (stop.test(char)) break;
      if (this.text.startsWith('&&', this.position) || this.text.startsWith('||', this.position)) {
        break;
      }
      if (balanced && char === '(') depth += 1;
      if (balanced && char === ')') {
        if (depth === 0) break;
        depth -= 1;
      }
      this.position += 1;
    }
    return this.position === start ? undefined : this.text.slice(start, this.position);
  }

  // --- argument compilation ----------------------------------------------

  private compileList(subject: Subject, items: { value: string; at: number }[]): Argument {
    const values = items.map((item) => {
      if (subject === 'agentConnected') return this.booleanValue(item.value, item.at);
      return item.value;
    });
    return { type: 'set', values: new Set(values) };
  }

  private compileScalar(
    subject: Subject,
    base: Operator,
    item: { value: string; at: number },
    operatorText: string,
  ): Argument {
    const { value, at } = item;
    if (base === 'matches') {
      try {
        return { type: 'pattern', regex: compileJavaPattern(value) };
      } catch (error) {
        // JavaScript names the anchored source (`/^(?:…)$/: …`); keep only the reason.
        const message = error instanceof Error ? error.message : String(error);
        const reason = message.slice(message.lastIndexOf(': ') + 1).trim();
        this.fail(at, `'${excerpt(value)}' is not a valid regular expression: ${reason}`);
      }
    }
    switch (subject) {
      case 'runningTasksCount':
        if (!/^\d{1,9}$/.test(value)) {
          this.fail(
            at,
            `expected a whole number after '${operatorText}' but found '${excerpt(value)}'`,
          );
        }
        return { type: 'number', value: Number(value) };
      case 'agentVersion': {
        const parts = /^v?\d+(\.\d+)*$/.test(value) ? parseVersion(value) : undefined;
        if (parts === undefined) {
          this.fail(at, `expected an agent version such as 1.14.5 but found '${excerpt(value)}'`);
        }
        return { type: 'version', parts };
      }
      case 'registeredAt': {
        const instant = parseInstant(value);
        if (instant === undefined) {
          this.fail(
            at,
            `expected a date such as 2018-06-18, 2018-06-18T22:28:28Z or 2018-06-18T22:28:28+00:00 but found '${excerpt(value)}'`,
          );
        }
        return { type: 'instant', ...instant };
      }
      case 'agentConnected':
        return { type: 'text', value: this.booleanValue(value, at) };
      default:
        return { type: 'text', value };
    }
  }

  private booleanValue(value: string, at: number): string {
    const lower = value.toLowerCase();
    if (lower !== 'true' && lower !== 'false') {
      this.fail(at, `expected true or false for agentConnected but found '${excerpt(value)}'`);
    }
    return lower;
  }

  // --- scanning helpers ----------------------------------------------------

  private atEnd(): boolean {
    return this.position >= this.text.length;
  }

  private peek(): string {
    return this.text[this.position] ?? '';
  }

  private consume(length: number): void {
    this.lastToken = this.text.slice(this.position, this.position + length);
    this.position += length;
  }

  private skipBlank(): void {
    while (!this.atEnd() && WHITESPACE.test(this.peek())) this.position += 1;
  }

  private readWhile(pattern: RegExp): string {
    const start = this.position;
    while (!this.atEnd() && pattern.test(this.peek())) this.position += 1;
    return this.text.slice(start, this.position);
  }

  /** Reads `symbol` if it is next. */
  private symbol(symbol: string): string | undefined {
    if (!this.text.startsWith(symbol, this.position)) return undefined;
    this.consume(symbol.length);
    return symbol;
  }

  /** Reads the keyword `word` (any case) if it is next and is a whole word. */
  private keyword(word: string): string | undefined {
    const candidate = this.text.slice(this.position, this.position + word.length);
    if (candidate.toLowerCase() !== word) return undefined;
    if (WORD_CHAR.test(this.text[this.position + word.length] ?? '')) return undefined;
    this.consume(word.length);
    return candidate;
  }

  private tokenAt(position: number): string {
    const rest = this.text.slice(position);
    const match = /^(\S+?)(?=\s|$)/.exec(rest);
    return match?.[1] ?? rest;
  }

  private foundSuffix(): string {
    return this.atEnd() ? '' : ` but found '${excerpt(this.tokenAt(this.position))}'`;
  }

  private fail(index: number, message: string): never {
    throw new InvalidParameterException(
      `Invalid placement constraint expression at position ${index + 1}: ${message}`,
    );
  }
}

/**
 * Parses and compiles a cluster query language expression.
 *
 * @example
 * const expression = parseExpression('attribute:ecs.instance-type =~ t2.* and not(task:group == database)');
 * evaluate(expression, instance); // true or false
 * @throws InvalidParameterException when the expression is empty, longer than
 *   2000 characters or malformed; the message gives the 1-based position and
 *   what was expected there.
 */
function parseExpression(text: string): Expression {
  if (text.length > MAX_EXPRESSION_LENGTH) {
    throw new InvalidParameterException(
      `Invalid placement constraint expression: an expression can be at most ${MAX_EXPRESSION_LENGTH} characters long, got ${text.length}.`,
    );
  }
  return new Parser(text).parse();
}

// ---------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------

/** A string-valued subject's value on an instance. */
function textOf(comparison: Comparison, instance: QueryTarget): string | undefined {
  switch (comparison.subject) {
    case 'attribute':
      return attributeOf(instance, comparison.attribute ?? '');
    case 'agentConnected':
      return instance.agentConnected ? 'true' : 'false';
    case 'ec2InstanceId':
      return instance.ec2InstanceId;
    default:
      return undefined;
  }
}

/** Applies an ordering operator to a signed difference (value − argument). */
function ordered(operator: Operator, difference: number): boolean {
  switch (operator) {
    case 'equals':
      return difference === 0;
    case 'greater_than':
      return difference > 0;
    case 'greater_than_equal':
      return difference >= 0;
    case 'less_than':
      return difference < 0;
    case 'less_than_equal':
      return difference <= 0;
    default:
      return false;
  }
}

/** The positive form of a comparison (`equals`, `in`, `matches`, `exists`, orderings). */
function holds(comparison: Comparison, base: Operator, instance: QueryTarget): boolean {
  const { argument } = comparison;
  switch (comparison.subject) {
    case 'task:group': {
      for (const [group, count] of instance.taskGroups) {
        if (count <= 0) continue;
        if (base === 'exists') return true;
        if (argument.type === 'text' && group === argument.value) return true;
        if (argument.type === 'set' && argument.values.has(group)) return true;
        if (argument.type === 'pattern' && argument.regex.test(group)) return true;
      }
      return false;
    }
    case 'runningTasksCount':
      if (base === 'exists') return true;
      return (
        argument.type === 'number' && ordered(base, instance.runningTasksCount - argument.value)
      );
    case 'agentVersion': {
      const version = instance.agentVersion;
      if (version === undefined) return false;
      if (base === 'exists') return true;
      const parts = parseVersion(version);
      return (
        parts !== undefined &&
        argument.type === 'version' &&
        ordered(base, compareVersions(parts, argument.parts))
      );
    }
    case 'registeredAt': {
      if (base === 'exists') return true;
      if (argument.type !== 'instant') return false;
      // Compare at the precision the date was written with: `registeredAt == 2018-06-18` is "that day".
      const { at, precision } = argument;
      const truncated = at + Math.floor((instance.registeredAt - at) / precision) * precision;
      return ordered(base, truncated - at);
    }
    default: {
      const value = textOf(comparison, instance);
      if (value === undefined) return false;
      switch (argument.type) {
        case 'none':
          return true;
        case 'set':
          return argument.values.has(value);
        case 'pattern':
          return argument.regex.test(value);
        case 'text':
          return ordered(base, value < argument.value ? -1 : value > argument.value ? 1 : 0);
        default:
          return false;
      }
    }
  }
}

/**
 * Evaluates a parsed expression against one instance.
 *
 * @example
 * evaluate(parseExpression('runningTasksCount == 0'), instance);
 */
function evaluate(expression: Expression, instance: QueryTarget): boolean {
  switch (expression.kind) {
    case 'and':
      for (const operand of expression.operands) if (!evaluate(operand, instance)) return false;
      return true;
    case 'or':
      for (const operand of expression.operands) if (evaluate(operand, instance)) return true;
      return false;
    case 'not':
      return !evaluate(expression.operand, instance);
    case 'comparison': {
      const negated = NEGATIONS[expression.operator];
      return negated === undefined
        ? holds(expression, expression.operator, instance)
        : !holds(expression, negated, instance);
    }
  }
}

/**
 * Whether the expression reads only what placing tasks never changes
 * (attributes, agent, EC2 id, registration time), so that its result for an
 * instance can be remembered across placements. `runningTasksCount` and
 * `task:group` change with every task placed.
 */
function isStaticExpression(expression: Expression): boolean {
  switch (expression.kind) {
    case 'and':
    case 'or':
      return expression.operands.every(isStaticExpression);
    case 'not':
      return isStaticExpression(expression.operand);
    case 'comparison':
      return expression.subject !== 'runningTasksCount' && expression.subject !== 'task:group';
  }
}

export {
  type Comparison,
  compareVersions,
  type Expression,
  evaluate,
  isStaticExpression,
  MAX_EXPRESSION_LENGTH,
  type Operator,
  parseExpression,
  parseInstant,
  type QueryTarget,
  type Subject,
};
