package ide

import "sort"

// Builtin is a function or constant of Nix's builtins set.
type Builtin struct {
	Name   string
	Sig    string // the signature, as people write it
	Doc    string // one line
	Global bool   // also reachable without the builtins. prefix
}

// Builtins lists the common builtins, by name.
var Builtins = map[string]Builtin{}

func init() {
	for _, b := range builtinList {
		Builtins[b.Name] = b
	}
}

// BuiltinNames returns the names of Builtins, sorted.
func BuiltinNames() []string {
	out := make([]string, 0, len(Builtins))
	for n := range Builtins {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

var builtinList = []Builtin{
	{"abort", "abort s", "Aborts evaluation with the error message s.", true},
	{"add", "add a b", "Returns the sum of the numbers a and b.", false},
	{"all", "all pred list", "True when pred holds for every element of list.", false},
	{"any", "any pred list", "True when pred holds for at least one element of list.", false},
	{"attrNames", "attrNames set", "The names of the attributes of set, sorted.", false},
	{"attrValues", "attrValues set", "The values of the attributes of set, in the order of their sorted names.", false},
	{"baseNameOf", "baseNameOf s", "The last component of the path or string s.", true},
	{"builtins", "builtins", "The set of all built-in functions and values.", true},
	{"catAttrs", "catAttrs name list", "The values of attribute name in each set of list that has it.", false},
	{"compareVersions", "compareVersions a b", "-1, 0 or 1 as version string a is older than, equal to or newer than b.", false},
	{"concatLists", "concatLists lists", "Concatenates a list of lists.", false},
	{"concatMap", "concatMap f list", "Applies f to each element and concatenates the resulting lists.", false},
	{"concatStringsSep", "concatStringsSep sep list", "Joins a list of strings with sep between them.", false},
	{"currentSystem", "currentSystem", "The system type of the evaluating machine, e.g. \"x86_64-linux\" (impure).", false},
	{"deepSeq", "deepSeq e1 e2", "Evaluates e1 completely, then returns e2.", false},
	{"derivation", "derivation attrs", "Describes a build action from attrs (name, system, builder...).", true},
	{"dirOf", "dirOf s", "The directory part of the path or string s.", true},
	{"div", "div a b", "Integer or float division of a by b.", false},
	{"elem", "elem x list", "True when x is an element of list.", false},
	{"elemAt", "elemAt list n", "The element of list at index n (from 0).", false},
	{"false", "false", "The boolean false.", true},
	{"fetchGit", "fetchGit args", "Fetches a Git repository (url, ref, rev...) into the store.", true},
	{"fetchTarball", "fetchTarball args", "Downloads and unpacks a tarball (url, sha256) into the store.", true},
	{"fetchTree", "fetchTree input", "Fetches a flake-style input (github, git, tarball...) into the store.", true},
	{"fetchurl", "fetchurl url", "Downloads a file into the store.", false},
	{"filter", "filter pred list", "The elements of list for which pred holds.", false},
	{"filterSource", "filterSource pred path", "Copies path to the store, keeping only files for which pred holds.", false},
	{"foldl'", "foldl' op nul list", "Reduces list from the left with op, strictly.", false},
	{"fromJSON", "fromJSON s", "Parses the JSON string s into a Nix value.", false},
	{"fromTOML", "fromTOML s", "Parses the TOML string s into a Nix value.", true},
	{"functionArgs", "functionArgs f", "The formal parameters of f, each mapped to whether it has a default.", false},
	{"genList", "genList f n", "The list [ (f 0) ... (f (n - 1)) ].", false},
	{"getAttr", "getAttr name set", "The attribute name of set (set.${name}).", false},
	{"getEnv", "getEnv name", "The value of environment variable name, or \"\" (impure).", false},
	{"getFlake", "getFlake ref", "The outputs of the flake named by ref.", false},
	{"groupBy", "groupBy f list", "Groups the elements of list into a set keyed by f elem.", false},
	{"hasAttr", "hasAttr name set", "True when set has the attribute name (set ? ${name}).", false},
	{"hashString", "hashString type s", "The hash (md5, sha1, sha256, sha512) of the string s.", false},
	{"head", "head list", "The first element of list.", false},
	{"import", "import path", "Parses and evaluates the Nix file at path (a directory means its default.nix).", true},
	{"intersectAttrs", "intersectAttrs e1 e2", "The attributes of e2 whose names are also in e1.", false},
	{"isAttrs", "isAttrs e", "True when e is an attribute set.", false},
	{"isBool", "isBool e", "True when e is a boolean.", false},
	{"isFunction", "isFunction e", "True when e is a function.", false},
	{"isInt", "isInt e", "True when e is an integer.", false},
	{"isList", "isList e", "True when e is a list.", false},
	{"isNull", "isNull e", "True when e is null (deprecated: use e == null).", true},
	{"isPath", "isPath e", "True when e is a path.", false},
	{"isString", "isString e", "True when e is a string.", false},
	{"length", "length list", "The number of elements of list.", false},
	{"lessThan", "lessThan a b", "True when a < b.", false},
	{"listToAttrs", "listToAttrs list", "Builds a set from a list of { name; value; } sets.", false},
	{"map", "map f list", "Applies f to every element of list.", true},
	{"mapAttrs", "mapAttrs f set", "Applies f name value to every attribute of set.", false},
	{"match", "match regex s", "The capture groups of regex matching all of s, or null.", false},
	{"mul", "mul a b", "Returns the product of a and b.", false},
	{"null", "null", "The null value.", true},
	{"parseDrvName", "parseDrvName s", "Splits a package name such as \"nix-2.8\" into { name; version; }.", false},
	{"path", "path args", "Copies a path (path, name, filter, sha256) into the store.", false},
	{"pathExists", "pathExists path", "True when path exists.", false},
	{"placeholder", "placeholder output", "A placeholder string for the output path of the derivation being built.", true},
	{"readDir", "readDir path", "The entries of the directory path, mapped to their types.", false},
	{"readFile", "readFile path", "The contents of the file path as a string.", false},
	{"removeAttrs", "removeAttrs set names", "set without the attributes listed in names.", true},
	{"replaceStrings", "replaceStrings from to s", "Replaces each occurrence of the strings from in s by those of to.", false},
	{"scopedImport", "scopedImport scope path", "Like import, with the names of scope in scope.", true},
	{"seq", "seq e1 e2", "Evaluates e1 to weak head normal form, then returns e2.", false},
	{"sort", "sort comparator list", "list sorted by comparator (a less-than function).", false},
	{"split", "split regex s", "Splits s at matches of regex, keeping the capture groups.", false},
	{"splitVersion", "splitVersion s", "The components of the version string s.", false},
	{"storeDir", "storeDir", "The store directory, usually \"/nix/store\".", false},
	{"stringLength", "stringLength s", "The length of the string s in bytes.", false},
	{"sub", "sub a b", "Returns a minus b.", false},
	{"substring", "substring start len s", "The part of s of len bytes from start.", false},
	{"tail", "tail list", "list without its first element.", false},
	{"throw", "throw s", "Throws an error with message s (catchable by tryEval).", true},
	{"toFile", "toFile name s", "Writes the string s to a store file named name.", false},
	{"toJSON", "toJSON e", "e serialised as a JSON string.", false},
	{"toPath", "toPath s", "Deprecated: converts a string to a path.", false},
	{"toString", "toString e", "e converted to a string.", true},
	{"toXML", "toXML e", "e serialised as XML.", false},
	{"trace", "trace e1 e2", "Prints e1 to stderr and returns e2.", false},
	{"true", "true", "The boolean true.", true},
	{"tryEval", "tryEval e", "{ success; value; }: catches a throw or assert failure in e.", false},
	{"typeOf", "typeOf e", "The type of e as a string: \"int\", \"set\", \"lambda\"...", false},
	{"zipAttrsWith", "zipAttrsWith f sets", "Merges sets, calling f name values for each name.", false},
}
