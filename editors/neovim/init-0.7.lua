-- microvm-lsp for Neovim 0.7 to 0.10 without nvim-lspconfig.
--
-- Copy this file into your config and `dofile()` it from init.lua (or paste
-- it there). Optional globals, set before it runs:
--   vim.g.microvm_lsp_cmd      = { "/path/to/microvm-lsp" }   -- default { "microvm-lsp" }
--   vim.g.microvm_lsp_settings = { disabledChecks = { "redundant-guest-import" } }
-- One server runs per project root: the nearest directory above the file
-- with a flake.nix, else with a .git, else the file's own directory.
-- (Neovim 0.11 and later: use lsp/microvm_lsp.lua with vim.lsp.enable instead.)

local cmd = vim.g.microvm_lsp_cmd or { "microvm-lsp" }
local settings = vim.g.microvm_lsp_settings or vim.empty_dict()

local clients = {} -- root directory -> client id

local function root_dir(fname)
  local dir = vim.fn.fnamemodify(fname, ":p:h")
  local flake = vim.fn.findfile("flake.nix", dir .. ";")
  if flake ~= "" then
    return vim.fn.fnamemodify(flake, ":p:h")
  end
  local git = vim.fn.finddir(".git", dir .. ";")
  if git ~= "" then
    return vim.fn.fnamemodify(git, ":p:h:h")
  end
  return dir
end

vim.api.nvim_create_autocmd("FileType", {
  group = vim.api.nvim_create_augroup("microvm_lsp", { clear = true }),
  pattern = "nix",
  callback = function(args)
    local fname = vim.api.nvim_buf_get_name(args.buf)
    if fname == "" or fname:match("^%a+://") then
      return
    end
    local root = root_dir(fname)
    local id = clients[root]
    if not id or not vim.lsp.get_client_by_id(id) then
      id = vim.lsp.start_client({
        name = "microvm_lsp",
        cmd = cmd,
        root_dir = root,
        workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
        -- Sent as initializationOptions and as the answer to
        -- workspace/configuration for the section "microvm-lsp".
        init_options = settings,
        settings = { ["microvm-lsp"] = settings },
        on_exit = function()
          clients[root] = nil
        end,
      })
      if not id then
        return
      end
      clients[root] = id
    end
    vim.lsp.buf_attach_client(args.buf, id)
  end,
})
