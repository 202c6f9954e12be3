// GVariant containers built from GVariants already packed, so that cached
// pieces are reused instead of packed again from JS values. The GIR typings of
// new_tuple and new_array do not admit this (new_tuple is typed as taking
// VariantTypes); these wrappers state what the C API takes.
import GLib from 'gi://GLib';

export function tupleOf(children: readonly GLib.Variant[]): GLib.Variant {
    return GLib.Variant.new_tuple(children as unknown as GLib.VariantType[]);
}

export function arrayOf(childType: GLib.VariantType, children: readonly GLib.Variant[]): GLib.Variant {
    return GLib.Variant.new_array(childType, children as GLib.Variant[]);
}

/** One `{key value}` entry of a dictionary whose keys are strings or object paths. */
export function entry(key: GLib.Variant, value: GLib.Variant): GLib.Variant {
    return GLib.Variant.new_dict_entry(key, value);
}
