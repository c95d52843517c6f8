import { InvalidParameterException } from '../../../../functions/domain/errors';
import {
  compareVersions,
  evaluate,
  isStaticExpression,
  MAX_EXPRESSION_LENGTH,
  parseExpression,
  parseInstant,
} from '../../../../functions/domain/placement/queryLanguage';
import { errorOf } from '../../../helpers/errorOf';
import { instance } from './fixtures';

/** The instance every evaluation table runs against. */
const subject = instance('abc', {
  attributes: {
    'ecs.availability-zone': 'us-east-1a',
    'ecs.instance-type': 't2.small',
    'ecs.os-type': 'linux',
    stack: 'prod',
    'team/owner': 'platform',
    count: '10',
  },
  agentConnected: true,
  agentVersion: '1.14.5',
  ec2InstanceId: 'i-abcd1234',
  registeredAt: Date.parse('2018-06-18T22:28:28Z'),
  groups: { 'service:production': 1, 'family:batch': 2 },
});

const matches = (text: string, target = subject): boolean =>
  evaluate(parseExpression(text), target);

describe('Function: parseExpression / evaluate', () => {
  describe('attribute subject', () => {
    it.each([
      ['== on an equal value', 'attribute:ecs.instance-type == t2.small', true],
      ['== on another value', 'attribute:ecs.instance-type == t2.micro', false],
      ['equals word form', 'attribute:ecs.instance-type equals t2.small', true],
      ['!= on another value', 'attribute:ecs.availability-zone != us-east-1d', true],
      ['not_equals word form', 'attribute:ecs.availability-zone not_equals us-east-1a', false],
      [
        'in a list holding the value',
        'attribute:ecs.availability-zone in [us-east-1a, us-east-1b]',
        true,
      ],
      ['in a list without it', 'attribute:ecs.availability-zone in [us-east-1b,us-east-1c]', false],
      ['!in a list without it', 'attribute:ecs.availability-zone !in [us-east-1b]', true],
      ['not_in word form', 'attribute:ecs.availability-zone not_in [us-east-1a]', false],
      ['=~ a matching pattern', 'attribute:ecs.instance-type =~ t2.*', true],
      ['matches word form', 'attribute:ecs.instance-type matches t2\\..*', true],
      ['=~ anchors the whole value like Java matches', 'attribute:ecs.instance-type =~ t2', false],
      [
        '=~ does not find a pattern inside the value',
        'attribute:ecs.instance-type =~ small',
        false,
      ],
      ['!~ a non-matching pattern', 'attribute:ecs.instance-type !~ m5.*', true],
      ['not_matches word form', 'attribute:ecs.instance-type not_matches t2.*', false],
      ['exists on a present attribute', 'attribute:stack exists', true],
      ['exists on an absent attribute', 'attribute:gpu exists', false],
      ['!exists on an absent attribute', 'attribute:gpu !exists', true],
      ['not_exists word form', 'attribute:stack not_exists', false],
      ['> compares strings, not numbers', 'attribute:count > 9', false],
      ['greater_than word form', 'attribute:stack greater_than dev', true],
      ['>= on an equal string', 'attribute:stack >= prod', true],
      ['greater_than_equal word form', 'attribute:stack greater_than_equal test', false],
      ['< on strings', 'attribute:stack < test', true],
      ['less_than word form', 'attribute:stack less_than dev', false],
      ['<= on an equal string', 'attribute:stack <= prod', true],
      ['less_than_equal word form', 'attribute:stack less_than_equal a', false],
      ['a name with a slash', 'attribute:team/owner == platform', true],
      ['== on an absent attribute', 'attribute:gpu == yes', false],
      ['!= on an absent attribute is the negation of ==', 'attribute:gpu != yes', true],
      ['!in on an absent attribute', 'attribute:gpu !in [yes]', true],
      ['!~ on an absent attribute', 'attribute:gpu !~ .*', true],
      ['> on an absent attribute', 'attribute:gpu > a', false],
      ['a name that is an Object.prototype member', 'attribute:constructor exists', false],
    ])('%s', (_case, text, expected) => {
      expect(matches(text)).toBe(expected);
    });
  });

  describe('other subjects', () => {
    it.each([
      ['agentConnected == true', 'agentConnected == true', true],
      ['agentConnected == false', 'agentConnected == false', false],
      ['agentConnected in a list', 'agentConnected in [false, true]', true],
      ['agentConnected != true', 'agentConnected != TRUE', false],
      ['agentConnected =~ a pattern', 'agentConnected =~ t.*', true],
      ['agentVersion < a greater version', 'agentVersion < 1.14.6', true],
      ['agentVersion < itself', 'agentVersion < 1.14.5', false],
      ['agentVersion compares numerically, not as text', 'agentVersion < 1.9', false],
      ['agentVersion > an older minor', 'agentVersion > 1.9.0', true],
      ['agentVersion == with fewer parts', 'agentVersion == 1.14.5.0', true],
      ['agentVersion != ', 'agentVersion != 1.14.5', false],
      ['agentVersion >=', 'agentVersion >= 1.14', true],
      ['agentVersion <=', 'agentVersion <= 1.14', false],
      ['agentVersion exists', 'agentVersion exists', true],
      ['ec2InstanceId ==', 'ec2InstanceId == i-abcd1234', true],
      ['ec2InstanceId in a quoted list', "ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", true],
      ['ec2InstanceId !in', 'ec2InstanceId !in [i-wxyx7890]', true],
      ['ec2InstanceId =~', 'ec2InstanceId =~ i-abcd.*', true],
      ['ec2InstanceId !~', 'ec2InstanceId !~ i-.*', false],
      ['registeredAt < a later day', 'registeredAt < 2018-06-19', true],
      ['registeredAt < that same day', 'registeredAt < 2018-06-18', false],
      ['registeredAt == that day (date-only compares the day)', 'registeredAt == 2018-06-18', true],
      ['registeredAt <= that day', 'registeredAt <= 2018-06-18', true],
      ['registeredAt > that day', 'registeredAt > 2018-06-18', false],
      ['registeredAt > the day before', 'registeredAt > 2018-06-17', true],
      ['registeredAt >= that day', 'registeredAt >= 2018-06-18', true],
      ['registeredAt == the exact second (Z)', 'registeredAt == 2018-06-18T22:28:28Z', true],
      [
        'registeredAt == the exact second (+00:00)',
        'registeredAt == 2018-06-18T22:28:28+00:00',
        true,
      ],
      [
        'registeredAt == the exact second (no zone is UTC)',
        'registeredAt == 2018-06-18T22:28:28',
        true,
      ],
      [
        'registeredAt == the same instant in another zone',
        'registeredAt == 2018-06-19T00:28:28+02:00',
        true,
      ],
      ['registeredAt < one second later', 'registeredAt < 2018-06-18T22:28:29Z', true],
      ['registeredAt != another second', 'registeredAt != 2018-06-18T22:28:27Z', true],
      ['registeredAt with milliseconds', 'registeredAt == 2018-06-18T22:28:28.000Z', true],
      ['runningTasksCount == the count', 'runningTasksCount == 3', true],
      ['runningTasksCount compares numbers, not text', 'runningTasksCount < 10', true],
      ['runningTasksCount >', 'runningTasksCount > 3', false],
      ['runningTasksCount >=', 'runningTasksCount >= 3', true],
      ['runningTasksCount <=', 'runningTasksCount <= 2', false],
      ['runningTasksCount !=', 'runningTasksCount != 3', false],
      ['task:group == a group it runs', 'task:group == service:production', true],
      ['task:group == a group it does not run', 'task:group == database', false],
      ['task:group != a group it does not run', 'task:group != database', true],
      ['task:group in', 'task:group in [database, family:batch]', true],
      ['task:group !in', 'task:group !in [service:production]', false],
      ['task:group =~', 'task:group =~ service:.*', true],
      ['task:group !~', 'task:group !~ family:.*', false],
      ['task:group exists', 'task:group exists', true],
    ])('%s', (_case, text, expected) => {
      expect(matches(text)).toBe(expected);
    });

    it.each([
      ['agentVersion on an instance without one', 'agentVersion < 9.0.0', false],
      ['ec2InstanceId on an EXTERNAL instance', 'ec2InstanceId exists', false],
      ['ec2InstanceId != on an EXTERNAL instance', 'ec2InstanceId != i-1', true],
      ['task:group exists on an empty instance', 'task:group exists', false],
      ['task:group with a count of zero', 'task:group == family:old', false],
      ['agentConnected on a disconnected agent', 'agentConnected == false', true],
    ])('%s', (_case, text, expected) => {
      // Prepare
      const bare = instance('bare', {
        agentVersion: undefined,
        ec2InstanceId: undefined,
        agentConnected: false,
        groups: { 'family:old': 0 },
      });

      // Act & Assess
      expect(matches(text, bare)).toBe(expected);
    });
  });

  describe('compound expressions', () => {
    it.each([
      ['and of two truths', 'attribute:stack == prod and runningTasksCount == 3', true],
      ['&& with a falsehood', 'attribute:stack == prod && runningTasksCount == 0', false],
      ['or with one truth', 'attribute:stack == dev or runningTasksCount == 3', true],
      ['|| of two falsehoods', 'attribute:stack == dev || runningTasksCount == 0', false],
      ['not() of a falsehood', 'not(task:group == database)', true],
      ['! of a truth', '!(task:group == service:production)', false],
      ['not without parentheses', 'not attribute:stack == dev', true],
      ['! without parentheses', '!attribute:stack == prod', false],
      ['double negation', 'not not attribute:stack == prod', true],
      [
        'and binds tighter than or (left)',
        'attribute:stack == dev and runningTasksCount == 0 or agentConnected == true',
        true,
      ],
      [
        'and binds tighter than or (right)',
        'agentConnected == true or attribute:stack == dev and runningTasksCount == 0',
        true,
      ],
      [
        'parentheses override precedence',
        '(agentConnected == true or attribute:stack == dev) and runningTasksCount == 0',
        false,
      ],
      [
        'not binds tighter than and',
        'not attribute:stack == dev and runningTasksCount == 0',
        false,
      ],
      [
        'not applies to a parenthesised or',
        'not (attribute:stack == dev or runningTasksCount == 3)',
        false,
      ],
      ['nested parentheses', '((attribute:stack == prod) and ((runningTasksCount == 3)))', true],
      [
        'upper-case keywords',
        'attribute:stack == prod AND NOT runningTasksCount == 0 OR agentConnected == false',
        true,
      ],
      ['no blanks around symbols', 'attribute:stack==prod&&runningTasksCount>=3', true],
      ['a value ending at a closing parenthesis', 'not(attribute:stack == prod)', false],
      ['a quoted value with blanks', "attribute:stack != 'prod env'", true],
      ['a quoted value with an escaped quote', "attribute:team/owner != 'it\\'s'", true],
      ['a double-quoted value', 'attribute:stack == "prod"', true],
      ['a quoted regex with parentheses', "attribute:ecs.instance-type =~ '(t2|m5)\\.small'", true],
      [
        'an unquoted regex with balanced parentheses',
        'attribute:ecs.instance-type =~ (t2|m5).small',
        true,
      ],
      [
        'the documented compound example',
        'attribute:ecs.instance-type =~ t2.* and attribute:ecs.availability-zone != us-east-1d',
        true,
      ],
    ])('%s', (_case, text, expected) => {
      expect(matches(text)).toBe(expected);
    });

    it('groups and/or into flat operand lists with not innermost', () => {
      // Act
      const expression = parseExpression(
        'a1 == 1 or not attribute:b == 2 and attribute:c exists'.replace('a1', 'attribute:a'),
      );

      // Assess
      expect(expression).toMatchObject({
        kind: 'or',
        operands: [
          {
            kind: 'comparison',
            subject: 'attribute',
            attribute: 'a',
            operator: 'equals',
            values: ['1'],
          },
          {
            kind: 'and',
            operands: [
              { kind: 'not', operand: { kind: 'comparison', attribute: 'b' } },
              { kind: 'comparison', attribute: 'c', operator: 'exists', values: [] },
            ],
          },
        ],
      });
    });
  });

  describe('regular expressions', () => {
    it.each([
      ['an inline case-insensitive flag', 'attribute:ecs.instance-type =~ (?i)T2\\.SMALL', true],
      ['\\A and \\z anchors', 'attribute:ecs.instance-type =~ \\At2.*\\z', true],
      ['a character class', 'attribute:ecs.instance-type =~ [a-z][0-9]\\.[a-z]+', true],
      [
        'an alternation that must cover the whole value',
        'attribute:ecs.instance-type =~ t2|small',
        false,
      ],
    ])('%s', (_case, text, expected) => {
      expect(matches(text)).toBe(expected);
    });
  });

  describe('parse errors', () => {
    it.each([
      ['an empty expression', '', 1, 'expected an expression but found nothing'],
      ['blanks only', '   ', 4, 'expected an expression but found nothing'],
      [
        'a missing operator',
        'attribute:ecs.instance-type',
        28,
        "expected an operator after 'attribute:ecs.instance-type'",
      ],
      [
        'a value where the operator goes',
        'attribute:ecs.instance-type t2.small',
        29,
        "expected an operator after 'attribute:ecs.instance-type' but found 't2.small'",
      ],
      [
        'an unknown operator',
        'attribute:stack ~= prod',
        17,
        "expected an operator after 'attribute:stack' but found '~='",
      ],
      [
        'an unknown subject',
        'instanceType == t2.small',
        1,
        "expected a subject (attribute:<name>, agentConnected, agentVersion, ec2InstanceId, registeredAt, runningTasksCount or task:group) but found 'instanceType'",
      ],
      [
        'no subject before the operator',
        '== prod',
        1,
        "expected a subject (attribute:<name>, agentConnected, agentVersion, ec2InstanceId, registeredAt, runningTasksCount or task:group) but found '=='",
      ],
      [
        'an empty attribute name',
        'attribute: == x',
        11,
        "expected an attribute name after 'attribute:'",
      ],
      [
        'an invalid attribute name',
        'attribute:a:b == x',
        11,
        "'a:b' is not a valid attribute name",
      ],
      ['a missing value', 'attribute:stack ==', 19, "expected a value after '=='"],
      [
        'a missing value before a parenthesis',
        '(attribute:stack != )',
        21,
        "expected a value after '!=' but found ')'",
      ],
      [
        'an operator the subject does not take',
        'runningTasksCount =~ 1',
        19,
        "the operator '=~' cannot be used with 'runningTasksCount'; use one of ==, !=, >, >=, <, <=, exists, !exists",
      ],
      [
        'an ordering on task:group',
        'task:group > a',
        12,
        "the operator '>' cannot be used with 'task:group'",
      ],
      [
        'in on agentVersion',
        'agentVersion in [1.0]',
        14,
        "the operator 'in' cannot be used with 'agentVersion'",
      ],
      [
        'a list without brackets',
        'attribute:stack in prod',
        20,
        "expected '[' to start a list after 'in' but found 'prod'",
      ],
      ['an unclosed list', 'attribute:stack in [a, b', 25, "expected ',' or ']' after 'b'"],
      ['an empty list', 'attribute:stack in []', 21, "expected a value after '[' but found ']'"],
      [
        'a trailing comma in a list',
        'attribute:stack in [a,]',
        23,
        "expected a value after ',' but found ']'",
      ],
      [
        'a missing comma in a list',
        'attribute:stack in [a b]',
        23,
        "expected ',' or ']' after 'a' but found 'b]'",
      ],
      [
        'an unclosed quote',
        "attribute:stack == 'prod",
        20,
        'the quoted value starting here is not closed with ',
      ],
      [
        'a number that is not one',
        'runningTasksCount > many',
        21,
        "expected a whole number after '>' but found 'many'",
      ],
      [
        'a negative number',
        'runningTasksCount > -1',
        21,
        "expected a whole number after '>' but found '-1'",
      ],
      [
        'a version that is not one',
        'agentVersion < latest',
        16,
        "expected an agent version such as 1.14.5 but found 'latest'",
      ],
      [
        'a date that is not one',
        'registeredAt < yesterday',
        16,
        "expected a date such as 2018-06-18, 2018-06-18T22:28:28Z or 2018-06-18T22:28:28+00:00 but found 'yesterday'",
      ],
      ['an impossible date', 'registeredAt < 2018-02-30', 16, 'expected a date such as 2018-06-18'],
      ['an impossible time', 'registeredAt < 2018-02-03T25:00:00Z', 16, 'expected a date such as'],
      [
        'a boolean that is not one',
        'agentConnected == yes',
        19,
        "expected true or false for agentConnected but found 'yes'",
      ],
      [
        'an invalid regular expression',
        'attribute:stack =~ "(prod"',
        20,
        "'(prod' is not a valid regular expression",
      ],
      [
        'a Java-only possessive quantifier',
        'attribute:stack =~ a*+',
        20,
        "'a*+' is not a valid regular expression",
      ],
      [
        'an unsupported inline flag',
        'attribute:stack =~ (?x)a',
        20,
        "'(?x)a' is not a valid regular expression: the inline flag 'x' is not supported",
      ],
      ['a dangling and', 'attribute:stack == prod and', 28, "expected an expression after 'and'"],
      ['a dangling ||', 'attribute:stack == prod ||', 27, "expected an expression after '||'"],
      ['a dangling not', 'not', 4, "expected an expression after 'not'"],
      [
        'an unclosed parenthesis',
        '(attribute:stack == prod',
        25,
        "expected ')' to close the '(' at position 1",
      ],
      [
        'an unclosed inner parenthesis',
        '((attribute:stack == prod) or agentConnected == true',
        53,
        "expected ')' to close the '(' at position 1",
      ],
      [
        'an unmatched closing parenthesis',
        'attribute:stack == prod)',
        24,
        "found ')' without a matching '('",
      ],
      [
        'two comparisons without a connective',
        'attribute:stack == prod runningTasksCount == 1',
        25,
        "expected 'and', 'or' or the end of the expression after 'prod' but found 'runningTasksCount'",
      ],
      [
        'a value after exists',
        'attribute:stack exists prod',
        24,
        "expected 'and', 'or' or the end of the expression after 'exists' but found 'prod'",
      ],
      ['empty parentheses', '()', 2, 'expected a subject (attribute:<name>'],
      ['a bang before an operator', '!= prod', 1, 'expected a subject'],
    ])('rejects %s', (_case, text, position, message) => {
      // Act
      const error = errorOf(() => parseExpression(text));

      // Assess
      expect(error).toBeInstanceOf(InvalidParameterException);
      expect(error.message).toContain(
        `Invalid placement constraint expression at position ${position}: ${message}`,
      );
    });

    it('rejects an expression longer than 2000 characters', () => {
      // Prepare
      const text = `attribute:stack in [${'a,'.repeat(1000)}b]`;

      // Act
      const error = errorOf(() => parseExpression(text));

      // Assess
      expect(text.length).toBeGreaterThan(MAX_EXPRESSION_LENGTH);
      expect(error.toJSON()).toStrictEqual({
        __type: 'InvalidParameterException',
        message: `Invalid placement constraint expression: an expression can be at most 2000 characters long, got ${text.length}.`,
      });
    });

    it('accepts an expression of exactly 2000 characters', () => {
      // Prepare
      const prefix = 'attribute:stack == ';
      const text = `${prefix}${'a'.repeat(MAX_EXPRESSION_LENGTH - prefix.length)}`;

      // Act & Assess
      expect(matches(text)).toBe(false);
    });
  });
});

describe('Function: isStaticExpression', () => {
  it.each([
    ['an attribute test', 'attribute:stack == prod', true],
    [
      'agent and registration tests',
      'agentConnected == true and agentVersion > 1.0 or registeredAt < 2020-01-01',
      true,
    ],
    ['a running task count', 'runningTasksCount == 0', false],
    [
      'a task group anywhere in the tree',
      'attribute:stack == prod and not (task:group == db)',
      false,
    ],
  ])('%s', (_case, text, expected) => {
    expect(isStaticExpression(parseExpression(text))).toBe(expected);
  });
});

describe('Function: compareVersions', () => {
  it.each([
    [[1, 14, 5], [1, 9], 1],
    [[1, 14], [1, 14, 0], 0],
    [[1, 2], [1, 10], -1],
  ])('compares %j with %j', (left, right, sign) => {
    expect(Math.sign(compareVersions(left, right))).toBe(sign);
  });
});

describe('Function: parseInstant', () => {
  it.each([
    ['2018-06-18', Date.UTC(2018, 5, 18), 86_400_000],
    ['2018-06-18T22:28:28Z', Date.UTC(2018, 5, 18, 22, 28, 28), 1000],
    ['2018-06-18T22:28:28', Date.UTC(2018, 5, 18, 22, 28, 28), 1000],
    ['2018-06-18T22:28:28+00:00', Date.UTC(2018, 5, 18, 22, 28, 28), 1000],
    ['2018-06-18T22:28:28-0130', Date.UTC(2018, 5, 18, 23, 58, 28), 1000],
    ['2018-06-18T22:28:28.250Z', Date.UTC(2018, 5, 18, 22, 28, 28, 250), 1],
  ])('reads %s', (text, at, precision) => {
    expect(parseInstant(text)).toStrictEqual({ at, precision });
  });

  it.each([
    '2018-6-18',
    '2018-13-01',
    '2018-06-18T22:28',
    '18-06-2018',
    '2018-06-18T22:28:28+25:00',
  ])('refuses %s', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});
