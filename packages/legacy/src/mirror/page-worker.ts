/** A worker thread of the mirror import (page-read.ts): reads pages and sanitises bodies. */
import { readPage, sanitise } from './page-read.js';

export default readPage;
export { sanitise };
