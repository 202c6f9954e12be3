// The extension is installed on its own, so it cannot import SigmaVault's
// shared modules from /usr/share/sigmavault. Its install step copies the
// compiled src/shared/health.js next to it as shared/health.js; for the type
// checker, this declares that module to be exactly that source.
export * from '../../src/shared/health.js';
