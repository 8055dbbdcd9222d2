package ide

import (
	"strings"
	"sync"

	"github.com/microvm-lsp/microvm-lsp/scope"
)

// Builtin is a function or constant of Nix's builtins set.
type Builtin struct {
	Name   string
	Sig    string // the signature, as people write it
	Doc    string // one line
	Global bool   // also reachable without the builtins. prefix
}

// builtins lists every builtin of Nix, by name: the names, arguments and
// global names are Nix's (package scope's table, generated from Nix), the
// documentation ours. Built on first use: every command of the binary
// would pay for it at its start.
var builtins = sync.OnceValue(func() map[string]Builtin {
	docs := builtinDocs()
	out := make(map[string]Builtin, len(docs))
	for _, n := range scope.BuiltinNames() {
		b, _ := scope.LookupBuiltin(n)
		d := docs[n]
		sig := n
		if len(b.Args) > 0 {
			sig += " " + strings.Join(b.Args, " ")
		} else if d.args != "" {
			sig += " " + d.args
		}
		out[n] = Builtin{Name: n, Sig: sig, Doc: d.doc, Global: b.Global}
	}
	return out
})

// BuiltinNames returns the names of Builtins, sorted.
func BuiltinNames() []string { return scope.BuiltinNames() }

// builtinDoc is our documentation of a builtin: a line of text, and the
// argument names where Nix documents none.
type builtinDoc struct {
	args string
	doc  string
}

// builtinDocs documents every builtin (TestBuiltinDocs holds it to Nix's
// list and arities).
var builtinDocs = sync.OnceValue(func() map[string]builtinDoc {
	return map[string]builtinDoc{
		"abort":                         {doc: "Aborts evaluation with the error message s."},
		"add":                           {doc: "Returns the sum of the numbers e1 and e2."},
		"addErrorContext":               {args: "s e", doc: "Evaluates e, adding the message s to the trace of any error it raises."},
		"all":                           {doc: "True when pred holds for every element of list."},
		"any":                           {doc: "True when pred holds for at least one element of list."},
		"appendContext":                 {args: "s context", doc: "s with the string context context added (Nix-internal)."},
		"attrNames":                     {doc: "The names of the attributes of set, sorted."},
		"attrValues":                    {doc: "The values of the attributes of set, in the order of their sorted names."},
		"baseNameOf":                    {doc: "The last component of the path or string s."},
		"bitAnd":                        {doc: "The bitwise AND of the integers e1 and e2."},
		"bitOr":                         {doc: "The bitwise OR of the integers e1 and e2."},
		"bitXor":                        {doc: "The bitwise exclusive OR of the integers e1 and e2."},
		"builtins":                      {args: "", doc: "The set of all built-in functions and values."},
		"catAttrs":                      {doc: "The values of the attribute named attr in each set of list that has it."},
		"ceil":                          {doc: "The smallest integer not less than the number double."},
		"compareVersions":               {doc: "-1, 0 or 1 as version string s1 is older than, equal to or newer than s2."},
		"concatLists":                   {doc: "Concatenates a list of lists."},
		"concatMap":                     {doc: "Applies f to each element and concatenates the resulting lists."},
		"concatStringsSep":              {doc: "Joins a list of strings with separator between them."},
		"currentSystem":                 {args: "", doc: "The system type of the evaluating machine, e.g. \"x86_64-linux\" (impure)."},
		"currentTime":                   {args: "", doc: "The time evaluation started, in seconds since the Unix epoch (impure)."},
		"deepSeq":                       {doc: "Evaluates e1 completely, then returns e2."},
		"derivation":                    {args: "attrs", doc: "Describes a build action from attrs (name, system, builder...)."},
		"derivationStrict":              {args: "attrs", doc: "The strict primitive behind derivation: builds the derivation and returns its outputs' paths."},
		"dirOf":                         {doc: "The directory part of the path or string s."},
		"div":                           {doc: "Integer or float division of e1 by e2."},
		"elem":                          {doc: "True when x is an element of the list xs."},
		"elemAt":                        {doc: "The element of the list xs at index n (from 0)."},
		"false":                         {args: "", doc: "The boolean false."},
		"fetchClosure":                  {doc: "Copies a store path closure from a binary cache (experimental: fetch-closure)."},
		"fetchGit":                      {doc: "Fetches a Git repository (url, ref, rev...) into the store."},
		"fetchMercurial":                {args: "args", doc: "Fetches a Mercurial repository (url, rev...) into the store."},
		"fetchTarball":                  {doc: "Downloads and unpacks a tarball (url, sha256) into the store."},
		"fetchTree":                     {args: "input", doc: "Fetches a flake-style input (github, git, tarball...) into the store."},
		"fetchurl":                      {doc: "Downloads a file into the store."},
		"filter":                        {doc: "The elements of list for which f holds."},
		"filterSource":                  {doc: "Copies the path e2 to the store, keeping only the files for which the function e1 holds."},
		"findFile":                      {args: "searchPath name", doc: "Looks name up in a search path list, as <name> does."},
		"floor":                         {doc: "The largest integer not greater than the number double."},
		"foldl'":                        {doc: "Reduces list from the left with op, strictly."},
		"fromJSON":                      {doc: "Parses the JSON string e into a Nix value."},
		"fromTOML":                      {args: "s", doc: "Parses the TOML string s into a Nix value."},
		"functionArgs":                  {doc: "The formal parameters of f, each mapped to whether it has a default."},
		"genList":                       {doc: "The list [ (generator 0) ... (generator (length - 1)) ]."},
		"genericClosure":                {doc: "The closure of a startSet of { key; ... } sets under an operator, each key once."},
		"getAttr":                       {doc: "The attribute named s of set (set.${s})."},
		"getContext":                    {args: "s", doc: "The string context of s: the store paths it depends on, with their outputs."},
		"getEnv":                        {doc: "The value of the environment variable s, or \"\" (impure)."},
		"getFlake":                      {doc: "The outputs of the flake that the reference args names."},
		"groupBy":                       {doc: "Groups the elements of list into a set keyed by f elem."},
		"hasAttr":                       {doc: "True when set has an attribute named s (set ? ${s})."},
		"hasContext":                    {args: "s", doc: "True when the string s depends on store paths."},
		"hashFile":                      {doc: "The hash (md5, sha1, sha256, sha512) of the file at path p."},
		"hashString":                    {doc: "The hash (md5, sha1, sha256, sha512) of the string s."},
		"head":                          {doc: "The first element of list."},
		"import":                        {doc: "Parses and evaluates the Nix file at path (a directory means its default.nix)."},
		"intersectAttrs":                {doc: "The attributes of e2 whose names are also in e1."},
		"isAttrs":                       {doc: "True when e is an attribute set."},
		"isBool":                        {doc: "True when e is a boolean."},
		"isFloat":                       {doc: "True when e is a float."},
		"isFunction":                    {doc: "True when e is a function."},
		"isInt":                         {doc: "True when e is an integer."},
		"isList":                        {doc: "True when e is a list."},
		"isNull":                        {doc: "True when e is null (deprecated: use e == null)."},
		"isPath":                        {doc: "True when e is a path."},
		"isString":                      {doc: "True when e is a string."},
		"langVersion":                   {args: "", doc: "The version of the Nix language, as an integer."},
		"length":                        {doc: "The number of elements of the list e."},
		"lessThan":                      {doc: "True when e1 < e2."},
		"listToAttrs":                   {doc: "Builds a set from e, a list of { name; value; } sets."},
		"map":                           {doc: "Applies f to every element of list."},
		"mapAttrs":                      {doc: "Applies f name value to every attribute of attrset."},
		"match":                         {doc: "The capture groups of regex matching all of str, or null."},
		"mul":                           {doc: "Returns the product of e1 and e2."},
		"nixPath":                       {args: "", doc: "The search path of <...> lookups: a list of { prefix; path; } sets."},
		"nixVersion":                    {args: "", doc: "The version of the evaluating Nix, as a string."},
		"null":                          {args: "", doc: "The null value."},
		"parseDrvName":                  {doc: "Splits a package name such as \"nix-2.8\" into { name; version; }."},
		"partition":                     {doc: "Splits list into { right; wrong; } by whether pred holds."},
		"path":                          {doc: "Copies a path (path, name, filter, sha256) into the store."},
		"pathExists":                    {doc: "True when path exists."},
		"placeholder":                   {doc: "A placeholder string for the output path of the derivation being built."},
		"readDir":                       {doc: "The entries of the directory path, mapped to their types."},
		"readFile":                      {doc: "The contents of the file path as a string."},
		"removeAttrs":                   {doc: "set without the attributes whose names list holds."},
		"replaceStrings":                {doc: "Replaces each occurrence of the strings from in s by those of to."},
		"scopedImport":                  {args: "scope path", doc: "Like import path, with the attributes of scope as variables of the file."},
		"seq":                           {doc: "Evaluates e1 to weak head normal form, then returns e2."},
		"sort":                          {doc: "list sorted by comparator (a less-than function)."},
		"split":                         {doc: "Splits str at matches of regex, keeping the capture groups."},
		"splitVersion":                  {doc: "The components of the version string s."},
		"storeDir":                      {args: "", doc: "The store directory, usually \"/nix/store\"."},
		"storePath":                     {doc: "The store path path, with the dependency on it recorded."},
		"stringLength":                  {doc: "The length of the string e in bytes."},
		"sub":                           {doc: "Returns e1 minus e2."},
		"substring":                     {doc: "The part of s of len bytes from start."},
		"tail":                          {doc: "list without its first element."},
		"throw":                         {doc: "Throws an error with message s (catchable by tryEval)."},
		"toFile":                        {doc: "Writes the string s to a store file named name."},
		"toJSON":                        {doc: "e serialised as a JSON string."},
		"toPath":                        {doc: "Deprecated: converts a string to a path."},
		"toString":                      {doc: "e converted to a string."},
		"toXML":                         {doc: "e serialised as XML."},
		"trace":                         {doc: "Prints e1 to stderr and returns e2."},
		"true":                          {args: "", doc: "The boolean true."},
		"tryEval":                       {doc: "{ success; value; }: catches a throw or assert failure in e."},
		"typeOf":                        {doc: "The type of e as a string: \"int\", \"set\", \"lambda\"..."},
		"unsafeDiscardOutputDependency": {args: "s", doc: "s without the dependency on the outputs of the derivations it names."},
		"unsafeDiscardStringContext":    {args: "s", doc: "s without its string context (its dependencies on store paths)."},
		"unsafeGetAttrPos":              {args: "name set", doc: "{ file; line; column; } where attribute name of set is defined, or null."},
		"zipAttrsWith":                  {doc: "Merges the sets of list, calling f name values for each name."},
	}
})
