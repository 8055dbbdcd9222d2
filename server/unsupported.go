package server

import (
	"context"

	"go.lsp.dev/protocol"
)

// lspServer is the protocol.Server that protocol's dispatcher calls. Its
// methods are thin: decoding is done by protocol, the work by Server. It is
// a separate type so that Server's own method set stays small.
type lspServer struct{ s *Server }

var _ protocol.Server = lspServer{}

// Requests we do not support answer MethodNotFound; notifications we do not
// need are ignored. protocol's dispatcher calls every method of the
// interface, so each must exist.

func (lspServer) WorkDoneProgressCancel(_ context.Context, _ *protocol.WorkDoneProgressCancelParams) error {
	return nil
}

func (lspServer) LogTrace(_ context.Context, _ *protocol.LogTraceParams) error { return nil }

func (lspServer) SetTrace(_ context.Context, _ *protocol.SetTraceParams) error { return nil }

func (lspServer) CodeLensResolve(_ context.Context, _ *protocol.CodeLens) (*protocol.CodeLens, error) {
	return nil, methodNotFound(protocol.MethodCodeLensResolve)
}

func (lspServer) ColorPresentation(_ context.Context, _ *protocol.ColorPresentationParams) ([]protocol.ColorPresentation, error) {
	return nil, methodNotFound(protocol.MethodTextDocumentColorPresentation)
}

func (lspServer) CompletionResolve(_ context.Context, _ *protocol.CompletionItem) (*protocol.CompletionItem, error) {
	return nil, methodNotFound(protocol.MethodCompletionItemResolve)
}

func (lspServer) Declaration(_ context.Context, _ *protocol.DeclarationParams) ([]protocol.Location, error) {
	return nil, methodNotFound(protocol.MethodTextDocumentDeclaration)
}

func (lspServer) DidSave(_ context.Context, _ *protocol.DidSaveTextDocumentParams) error { return nil }

func (lspServer) DocumentColor(_ context.Context, _ *protocol.DocumentColorParams) ([]protocol.ColorInformation, error) {
	return nil, methodNotFound(protocol.MethodTextDocumentDocumentColor)
}

func (lspServer) DocumentLinkResolve(_ context.Context, _ *protocol.DocumentLink) (*protocol.DocumentLink, error) {
	return nil, methodNotFound(protocol.MethodDocumentLinkResolve)
}

func (lspServer) Implementation(_ context.Context, _ *protocol.ImplementationParams) ([]protocol.Location, error) {
	return nil, methodNotFound(protocol.MethodTextDocumentImplementation)
}

func (lspServer) OnTypeFormatting(_ context.Context, _ *protocol.DocumentOnTypeFormattingParams) ([]protocol.TextEdit, error) {
	return nil, methodNotFound(protocol.MethodTextDocumentOnTypeFormatting)
}

func (lspServer) RangeFormatting(_ context.Context, _ *protocol.DocumentRangeFormattingParams) ([]protocol.TextEdit, error) {
	return nil, methodNotFound(protocol.MethodTextDocumentRangeFormatting)
}

func (lspServer) SignatureHelp(_ context.Context, _ *protocol.SignatureHelpParams) (*protocol.SignatureHelp, error) {
	return nil, methodNotFound(protocol.MethodTextDocumentSignatureHelp)
}

func (lspServer) TypeDefinition(_ context.Context, _ *protocol.TypeDefinitionParams) ([]protocol.Location, error) {
	return nil, methodNotFound(protocol.MethodTextDocumentTypeDefinition)
}

func (lspServer) WillSave(_ context.Context, _ *protocol.WillSaveTextDocumentParams) error {
	return nil
}

func (lspServer) WillSaveWaitUntil(_ context.Context, _ *protocol.WillSaveTextDocumentParams) ([]protocol.TextEdit, error) {
	return nil, methodNotFound(protocol.MethodTextDocumentWillSaveWaitUntil)
}

func (lspServer) ShowDocument(_ context.Context, _ *protocol.ShowDocumentParams) (*protocol.ShowDocumentResult, error) {
	return nil, methodNotFound(protocol.MethodShowDocument)
}

func (lspServer) WillCreateFiles(_ context.Context, _ *protocol.CreateFilesParams) (*protocol.WorkspaceEdit, error) {
	return nil, methodNotFound(protocol.MethodWillCreateFiles)
}

func (lspServer) DidCreateFiles(_ context.Context, _ *protocol.CreateFilesParams) error { return nil }

func (lspServer) WillRenameFiles(_ context.Context, _ *protocol.RenameFilesParams) (*protocol.WorkspaceEdit, error) {
	return nil, methodNotFound(protocol.MethodWillRenameFiles)
}

func (lspServer) DidRenameFiles(_ context.Context, _ *protocol.RenameFilesParams) error { return nil }

func (lspServer) WillDeleteFiles(_ context.Context, _ *protocol.DeleteFilesParams) (*protocol.WorkspaceEdit, error) {
	return nil, methodNotFound(protocol.MethodWillDeleteFiles)
}

func (lspServer) DidDeleteFiles(_ context.Context, _ *protocol.DeleteFilesParams) error { return nil }

func (lspServer) CodeLensRefresh(_ context.Context) error { return nil }

func (lspServer) PrepareCallHierarchy(_ context.Context, _ *protocol.CallHierarchyPrepareParams) ([]protocol.CallHierarchyItem, error) {
	return nil, methodNotFound(protocol.MethodTextDocumentPrepareCallHierarchy)
}

func (lspServer) IncomingCalls(_ context.Context, _ *protocol.CallHierarchyIncomingCallsParams) ([]protocol.CallHierarchyIncomingCall, error) {
	return nil, methodNotFound(protocol.MethodCallHierarchyIncomingCalls)
}

func (lspServer) OutgoingCalls(_ context.Context, _ *protocol.CallHierarchyOutgoingCallsParams) ([]protocol.CallHierarchyOutgoingCall, error) {
	return nil, methodNotFound(protocol.MethodCallHierarchyOutgoingCalls)
}

func (lspServer) SemanticTokensRefresh(_ context.Context) error { return nil }

func (lspServer) LinkedEditingRange(_ context.Context, _ *protocol.LinkedEditingRangeParams) (*protocol.LinkedEditingRanges, error) {
	return nil, methodNotFound(protocol.MethodLinkedEditingRange)
}

func (lspServer) Moniker(_ context.Context, _ *protocol.MonikerParams) ([]protocol.Moniker, error) {
	return nil, methodNotFound(protocol.MethodMoniker)
}
