// Runs before jasmine-core is evaluated. Bundled as CommonJS, jasmine looks
// for Node's `global` to find setTimeout and friends, and hooks uncaught
// errors through the browser's addEventListener; GJS has neither (it
// reports uncaught errors itself), so both are provided here, with the
// queueMicrotask jasmine uses to clear its stack.
Object.assign(globalThis, {
    queueMicrotask: (fn: () => void): void => {
        void Promise.resolve().then(fn);
    },
    global: globalThis,
    addEventListener: (): void => undefined,
    removeEventListener: (): void => undefined,
});
