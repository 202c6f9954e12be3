// The shape of bench.json's entries, shared by the benchmark modules.

/** One line of bench.json. */
export interface Entry {
    name: string;
    value: number;
    unit: string;
    reference: string;
    reference_value: number;
    ratio: number;
    target: string;
}

/** An entry and whether it met its target (null: no target, only tracked). */
export interface Figure {
    entry: Entry;
    met: boolean | null;
}
