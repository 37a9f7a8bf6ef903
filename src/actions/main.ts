import { runAction } from './run-action.js';

// Root action (`uses: OWNER/modelops@v1` with `command:`): the same verbs, chosen by an input.
await runAction((process.env.INPUT_COMMAND ?? '').trim());
