import type { HistoryEvent } from '@aws-sdk/client-sfn';

/**
 * The SDK's shapes as they travel: the JSON 1.0 protocol carries timestamps as
 * epoch seconds, where the SDK types say `Date`. Records are kept in this form
 * so that what is stored, persisted and answered is the same object.
 */
type Wire<T> = T extends Date
  ? number
  : T extends (infer Item)[]
    ? Wire<Item>[]
    : T extends object
      ? { [Key in keyof T]: Wire<T[Key]> }
      : T;

/** A history event as stored and answered by `GetExecutionHistory`. */
type WireHistoryEvent = Wire<HistoryEvent>;

/** A history event before the store numbers and stamps it. */
type HistoryEventInit = Omit<WireHistoryEvent, 'id' | 'previousEventId' | 'timestamp'>;

/** Now, in epoch seconds with millisecond precision, as AWS answers timestamps. */
const epochSeconds = (): number => Date.now() / 1000;

export { epochSeconds, type HistoryEventInit, type Wire, type WireHistoryEvent };
