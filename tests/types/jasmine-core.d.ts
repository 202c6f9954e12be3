// The part of jasmine-core's boot API the runner uses.
declare module 'jasmine-core/lib/jasmine-core/jasmine.js' {
    interface JasmineEnv {
        addReporter(reporter: jasmine.CustomReporter): void;
        execute(): Promise<jasmine.JasmineDoneInfo>;
        configure(options: { random?: boolean }): void;
    }
    interface JasmineCore {
        getEnv(): JasmineEnv;
        DEFAULT_TIMEOUT_INTERVAL: number;
    }
    interface JasmineRequire {
        core(req: JasmineRequire): JasmineCore;
        interface(core: JasmineCore, env: JasmineEnv): Record<string, unknown>;
    }
    const jasmineRequire: JasmineRequire;
    export default jasmineRequire;
}
