import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { EcsError } from '../domain/errors';

/**
 * The AWS Query protocol, as IAM and STS speak it on Berth's one endpoint:
 * `POST /` with a form-encoded body (`Action=CreateUser&Version=2010-05-08&
 * UserName=bob`), answered in XML: `<ActionResponse><ActionResult>…
 * </ActionResult><ResponseMetadata>…</ResponseMetadata></ActionResponse>`;
 * errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error>…`.
 *
 * @see ../shared/reference/security.md §5
 */

/** An element and its content: text, or child elements in order. */
type XmlNode = readonly [name: string, content: string | readonly XmlNode[]];

const NAMESPACES: Readonly<Record<string, string>> = {
  '2010-05-08': 'https://iam.amazonaws.com/doc/2010-05-08/',
  '2011-06-15': 'https://sts.amazonaws.com/doc/2011-06-15/',
};

const escapeXml = (text: string): string =>
  text.replace(/[<>&'"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

const renderXml = ([name, content]: XmlNode): string =>
  `<${name}>${typeof content === 'string' ? escapeXml(content) : content.map(renderXml).join('')}</${name}>`;

const bodyText = (event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): string =>
  event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');

const contentType = (event: Pick<APIGatewayProxyEventV2, 'headers'>): string =>
  Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'content-type',
  )?.[1] ?? '';

/** Is this a Query-protocol request (a form-encoded body), as IAM's and STS's clients send? */
const isQueryRequest = (event: Pick<APIGatewayProxyEventV2, 'headers'> | undefined): boolean =>
  event !== undefined && contentType(event).startsWith('application/x-www-form-urlencoded');

/** The form's parameters (`+` is a space in a form body). */
const parseQueryParameters = (event: APIGatewayProxyEventV2): URLSearchParams =>
  new URLSearchParams(bodyText(event));

/** The root element carries the service's namespace, as IAM's and STS's answers do. */
const xmlResponse = (
  statusCode: number,
  [rootName, content]: XmlNode,
  version: string,
  requestId: string,
): APIGatewayProxyStructuredResultV2 => {
  const namespace = NAMESPACES[version];
  const children =
    typeof content === 'string' ? escapeXml(content) : content.map(renderXml).join('');
  return {
    statusCode,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${rootName}${namespace ? ` xmlns="${namespace}"` : ''}>${children}</${rootName}>`,
  };
};

const respondQuery = (
  action: string,
  version: string,
  result: readonly XmlNode[] | undefined,
  requestId: string,
): APIGatewayProxyStructuredResultV2 =>
  xmlResponse(
    200,
    [
      `${action}Response`,
      [
        ...(result ? [[`${action}Result`, result] as XmlNode] : []),
        ['ResponseMetadata', [['RequestId', requestId]]],
      ],
    ],
    version,
    requestId,
  );

const respondQueryError = (
  error: EcsError,
  requestId: string,
  event: APIGatewayProxyEventV2 | undefined,
): APIGatewayProxyStructuredResultV2 => {
  const coded = error as EcsError & { queryErrorCode?: string; queryStatusCode?: number };
  return xmlResponse(
    coded.queryStatusCode ?? error.statusCode,
    [
      'ErrorResponse',
      [
        [
          'Error',
          [
            ['Type', error.statusCode >= 500 ? 'Receiver' : 'Sender'],
            ['Code', coded.queryErrorCode ?? error.errorType],
            ['Message', error.message],
          ],
        ],
        ['RequestId', requestId],
      ],
    ],
    event ? (parseQueryParameters(event).get('Version') ?? '') : '',
    requestId,
  );
};

export type { XmlNode };
export { isQueryRequest, parseQueryParameters, renderXml, respondQuery, respondQueryError };
