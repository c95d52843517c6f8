import htm from 'htm';
import { h } from 'preact';

/** Preact's `h` as tagged templates: the console's views need no JSX step. */
const html = htm.bind(h);

/** An API error as the console shows it: the SDK's error name (ECS's `__type`) and message. */
const errorText = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/** Each message given, as an alert (`role="alert"`), in the order given; none for an absent one. */
const alerts = (...texts: (string | undefined)[]) =>
  texts.map((text) => (text ? html`<p role="alert" class="error">${text}</p>` : null));

export { alerts, errorText, html };
