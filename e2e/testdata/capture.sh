#!/usr/bin/env bash
# Records editors/neovim/session.txt: Neovim (with editors/neovim/init-0.7.lua)
# in a real 100x24 terminal under tmux, showing the role-conflict diagnostic,
# then the buffer after the preferred quick fix. Run by `make nvim-capture`;
# needs tmux and nvim. The result is committed; no test depends on tmux.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${MICROVM_LSP_BIN:-$root/bin/microvm-lsp}"
out="${1:-$root/editors/neovim/session.txt}"
ws="$(mktemp -d)"
sock="microvm-lsp-capture-$$"
trap 'tmux -L "$sock" kill-server 2>/dev/null || true; rm -rf "$ws"' EXIT
# conflictFlake of e2e/nvim_test.go
awk '/^const conflictFlake = `/{p=1; sub(/^.*`/, ""); print; next} p && /^`$/{exit} p' "$root/e2e/nvim_test.go" > "$ws/flake.nix"
cat > "$ws/init.lua" <<LUA
vim.g.microvm_lsp_cmd = { "$bin" }
dofile("$root/editors/neovim/init-0.7.lua")
vim.o.number = true
vim.o.signcolumn = "yes"
vim.o.shortmess = vim.o.shortmess .. "I"
function _G.fix()
  -- Close the diagnostic float so that the buffer after the fix shows whole.
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= "" then vim.api.nvim_win_close(w, true) end
  end
  local client = vim.lsp.get_active_clients()[1]
  local d = vim.lsp.diagnostic.get_line_diagnostics(0, 9)[1]
  local params = { textDocument = vim.lsp.util.make_text_document_params(), range = d.range, context = { diagnostics = { d }, only = { "quickfix" } } }
  for _, r in pairs(vim.lsp.buf_request_sync(0, "textDocument/codeAction", params, 5000)) do
    for _, a in ipairs(r.result or {}) do
      if a.isPreferred then
        vim.lsp.util.apply_workspace_edit(a.edit, client.offset_encoding)
        print("applied: " .. a.title)
        return
      end
    end
  end
end
LUA
cd "$ws"
tmux -L "$sock" -f /dev/null new-session -d -x 100 -y 24 "nvim --clean -u init.lua flake.nix"
sleep 2
tmux -L "$sock" send-keys ':10' Enter
sleep 0.5
tmux -L "$sock" send-keys ':lua vim.diagnostic.open_float()' Enter
sleep 1
{
  echo "\$ nvim flake.nix   # Neovim $(nvim --version | head -1 | cut -d' ' -f2), editors/neovim/init-0.7.lua; cursor on line 10, :lua vim.diagnostic.open_float()"
  tmux -L "$sock" capture-pane -p
  tmux -L "$sock" send-keys Escape ':lua fix()' Enter
  sleep 1.5
  echo
  echo "\$ :lua fix()   # textDocument/codeAction, then apply the preferred quick fix"
  tmux -L "$sock" capture-pane -p
} | sed -e 's/[[:space:]]*$//' -e "s|$ws|/tmp/ws|g" > "$out"
tmux -L "$sock" send-keys ':qa!' Enter
echo "wrote $out"
