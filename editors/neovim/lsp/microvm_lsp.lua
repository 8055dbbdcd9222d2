-- microvm-lsp for Neovim 0.11 and later (vim.lsp.config form).
--
-- Put this file on your runtimepath as lsp/microvm_lsp.lua (for example
-- ~/.config/nvim/lsp/microvm_lsp.lua), then in init.lua:
--   vim.lsp.enable("microvm_lsp")
-- Settings, if any, are answered to workspace/configuration for the section
-- "microvm-lsp":
--   vim.lsp.config("microvm_lsp", { settings = { ["microvm-lsp"] = { disabledChecks = { "redundant-guest-import" } } } })

---@type vim.lsp.Config
return {
  cmd = { "microvm-lsp" },
  filetypes = { "nix" },
  root_markers = { "flake.nix", ".git" },
  settings = {
    ["microvm-lsp"] = {},
  },
}
