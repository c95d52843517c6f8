import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from './view';

/**
 * Reads what a page shows when it opens and again whenever one of `keys`
 * changes (`live` among them: an event, or a refresh tick), one read at a
 * time. A change that comes while a read is under way asks for one more read
 * when it ends, however many changes came. So a slow API is never asked
 * faster than it answers: refresh ticks or a burst of events cannot pile
 * requests up behind the browser's six connections, and an older answer never
 * lands after a newer one.
 *
 * `read` sets the page's state itself; the error it returns is the last
 * read's (cleared by the next read that succeeds). `reread` asks for a read
 * now, as after an action.
 */
const useLiveRead = (
  read: () => Promise<unknown>,
  keys: readonly unknown[],
): { readError: string | undefined; reread: () => void } => {
  const [readError, setReadError] = useState<string>();
  const latestRead = useRef(read);
  latestRead.current = read;
  const state = useRef({ reading: false, again: false, unmounted: false });
  const reread = useCallback(() => {
    const current = state.current;
    if (current.reading) {
      current.again = true;
      return;
    }
    current.reading = true;
    void (async () => {
      do {
        current.again = false;
        try {
          await latestRead.current();
          if (!current.unmounted) setReadError(undefined);
        } catch (caught) {
          if (!current.unmounted) setReadError(errorText(caught));
        }
      } while (current.again && !current.unmounted);
      current.reading = false;
    })();
  }, []);
  // The keys are what asks for a read (`read` itself is a new closure at every render).
  useEffect(reread, [reread, ...keys]);
  useEffect(
    () => () => {
      state.current.unmounted = true;
    },
    [],
  );
  return { readError, reread };
};

export { useLiveRead };
