package server

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// Files are keyed by path everywhere below the LSP edge: analysis.Workspace
// wants absolute slash paths. A document whose URI is not a file URI (an
// unsaved "untitled:" buffer) is keyed by its URI text, which never starts
// with a slash, so the two kinds of key cannot collide.

// uriToPath returns the workspace key of a document URI.
func uriToPath(u protocol.DocumentURI) string {
	parsed, err := url.Parse(string(u))
	if err != nil || parsed.Scheme != uri.FileScheme || parsed.Path == "" {
		return string(u)
	}
	return normalizePath(parsed.Path)
}

// normalizePath makes an absolute file path (slash or OS separators) a
// workspace key: slash separated, cleaned, and with Windows drive letters in
// one spelling, because VS Code sends "file:///c%3A/..." while the file
// system says "C:\...".
func normalizePath(p string) string {
	p = filepath.ToSlash(p)
	if len(p) >= 3 && p[0] == '/' && isDriveLetter(p[1]) && p[2] == ':' {
		p = p[1:]
	}
	if len(p) >= 2 && isDriveLetter(p[0]) && p[1] == ':' {
		p = strings.ToUpper(p[:1]) + p[1:]
	}
	return path.Clean(p)
}

func isDriveLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// isFilePath reports whether a workspace key is a file path (as opposed to
// the URI of a buffer that has no file).
func isFilePath(p string) bool {
	return strings.HasPrefix(p, "/") || len(p) >= 3 && isDriveLetter(p[0]) && p[1] == ':' && p[2] == '/'
}

// pathToURI returns a URI for a workspace key. Where the client has the file
// open, callers prefer the URI it sent, so that it recognises its own
// spelling.
func pathToURI(p string) protocol.DocumentURI {
	if !isFilePath(p) {
		return protocol.DocumentURI(p)
	}
	return protocol.DocumentURI(uri.File(filepath.FromSlash(p)))
}

// within reports whether path p is dir or below it.
func within(p, dir string) bool {
	if dir == "/" {
		return strings.HasPrefix(p, "/")
	}
	return p == dir || strings.HasPrefix(p, dir+"/")
}
