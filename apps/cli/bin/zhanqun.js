#!/usr/bin/env node
// The operator's command line; built by `npm run build` (npm start builds too).
import '../dist/main.js';
