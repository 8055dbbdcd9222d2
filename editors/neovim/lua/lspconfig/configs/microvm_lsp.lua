-- microvm-lsp for nvim-lspconfig's legacy framework (require('lspconfig')).
--
-- nvim-lspconfig 1.1 and later (Neovim 0.9+) find it as
-- lua/lspconfig/configs/microvm_lsp.lua on your runtimepath; older versions
-- look for lua/lspconfig/server_configurations/microvm_lsp.lua, so copy it
-- there. Any version also takes it as
--   require("lspconfig.configs").microvm_lsp = dofile("/path/to/microvm_lsp.lua")
-- Then in init.lua:
--   require("lspconfig").microvm_lsp.setup({})
-- or with settings:
--   require("lspconfig").microvm_lsp.setup({ settings = { ["microvm-lsp"] = { severity = { ["redundant-guest-import"] = "hint" } } } })
-- On Neovim 0.11 and later prefer lsp/microvm_lsp.lua.

local util = require("lspconfig.util")

return {
  default_config = {
    cmd = { "microvm-lsp" },
    filetypes = { "nix" },
    root_dir = util.root_pattern("flake.nix", ".git"),
    single_file_support = true,
    settings = {
      ["microvm-lsp"] = {},
    },
  },
  docs = {
    description = [[
https://github.com/microvm-lsp/microvm-lsp

A Nix language server that knows the role each NixOS system plays for
microvm.nix (host or guest) and reports systems that import both, with quick
fixes. Put `microvm-lsp` on your PATH (`make build` leaves it in bin/).
]],
  },
}
