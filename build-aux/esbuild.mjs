// Compiles every TypeScript source to one readable ES module, keeping the
// source tree's layout. gi:// and resource:// imports stay external, and so
// does everything else: the only bundles are the vendor modules (npm
// packages GJS cannot resolve by name), each a `vendor/*.ts` entry.
import * as esbuild from 'esbuild';
import { copyFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
    options: {
        outdir: { type: 'string', default: 'build/js' },
        root: { type: 'string', default: '.' },
        stamp: { type: 'string' },
        config: { type: 'string' },
    },
});

const roots = ['src', 'gnome-shell-extension', 'nautilus-extension', 'tests'];

function walk(dir) {
    const out = [];
    for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) {
            if (name !== 'types')
                out.push(...walk(path));
        } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
            out.push(path);
        }
    }
    return out;
}

const sources = roots.flatMap(r => walk(join(values.root, r)));
const vendor = sources.filter(s => s.split('/').includes('vendor') && !s.endsWith('-prelude.ts'));
const plain = sources.filter(s => !vendor.includes(s));

const common = {
    outdir: values.outdir,
    outbase: values.root,
    format: 'esm',
    platform: 'neutral',
    target: 'firefox128', // SpiderMonkey 128, as in gjs 1.82
    minify: false,
    sourcemap: false,
    logLevel: 'warning',
    charset: 'utf8',
};

await esbuild.build({ ...common, entryPoints: plain, bundle: false });
await esbuild.build({
    ...common,
    entryPoints: vendor,
    bundle: true,
    mainFields: ['module', 'main'],
    external: ['gi://*', 'resource://*', 'gettext', 'system', 'cairo'],
});

if (values.config)
    copyFileSync(values.config, join(values.outdir, 'src', 'shared', 'config.js'));
if (values.stamp)
    writeFileSync(values.stamp, '');
console.log(`esbuild: ${plain.length} modules, ${vendor.length} vendor bundles → ${relative('.', values.outdir)}`);
