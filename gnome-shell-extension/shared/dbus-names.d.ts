// Installed as a copy of the compiled src/shared/dbus-names.js (see
// health.d.ts); for the type checker, it is that source.
export * from '../../src/shared/dbus-names.js';
