/** The data readers, loaded only when evaluate runs (they pull in the Parquet decoder). */
export { openDataset } from '../../platform/data/index.js';
