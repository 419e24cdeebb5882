/**
 * The relay as a script of its own (dist/worklets/relay.js), for pages that self-host it as
 * `workerUrl`. The built-in copy is the same function's source text, started the same way.
 */
import { relay, type RelayScope } from './relay';

relay(self as unknown as RelayScope);
postMessage(0);
