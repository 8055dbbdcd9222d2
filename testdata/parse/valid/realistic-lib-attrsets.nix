{ lib }:

let
  inherit (builtins) attrNames hasAttr isAttrs foldl' listToAttrs;
in
rec {
  /** Recursively merge a list of attribute sets, later ones winning. */
  recursiveMergeAll = foldl' lib.recursiveUpdate { };

  /** Keep only attributes whose name is in the list. */
  pick = names: attrs: listToAttrs (map (n: { name = n; value = attrs.${n}; })
    (builtins.filter (n: hasAttr n attrs) names));

  /** Remove attributes whose value is null, recursively. */
  stripNulls = attrs:
    lib.mapAttrs (_: v: if isAttrs v then stripNulls v else v)
      (lib.filterAttrs (_: v: v != null) attrs);

  /** Get a nested attribute by a dotted string, with a default. */
  getPath = path: default: attrs:
    lib.attrByPath (lib.splitString "." path) default attrs;

  /** Count leaves in a nested attribute set. */
  countLeaves = attrs:
    foldl' (acc: n: acc + (if isAttrs attrs.${n} then countLeaves attrs.${n} else 1)) 0 (attrNames attrs);

  /** Invert a set of string values. */
  invert = attrs: lib.mapAttrs' (n: v: lib.nameValuePair v n) attrs;
}
