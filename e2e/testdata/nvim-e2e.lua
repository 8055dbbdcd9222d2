-- End-to-end check of microvm-lsp in a real LSP client: headless Neovim 0.7+.
--
-- Run as: nvim --headless --clean -u nvim-e2e.lua FILE
-- Environment: MICROVM_LSP_BIN (the server), MICROVM_LSP_SNIPPET (the
-- configuration under test: editors/neovim/init-0.7.lua, or a snippet from
-- the README, which finds the server on PATH), MICROVM_LSP_RESULT (where the
-- JSON result goes). The file is opened by Neovim itself, so the snippet's
-- FileType autocommand starts and attaches the server as it would for a user.
-- Each step appends to `result.steps`; the Go test asserts on the result.

local result = { steps = {}, ok = false }
local result_path = assert(os.getenv("MICROVM_LSP_RESULT"), "MICROVM_LSP_RESULT unset")

local function write_result()
  local f = assert(io.open(result_path, "w"))
  f:write(vim.fn.json_encode(result))
  f:close()
end

local function step(name, value)
  table.insert(result.steps, name)
  if value ~= nil then
    result[name] = value
  end
end

-- Raw publishDiagnostics notifications, kept before the default handler
-- turns them into vim.diagnostic entries.
local published = {}
local default_publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, params, ctx, config)
  table.insert(published, params)
  return default_publish(err, params, ctx, config)
end

vim.g.microvm_lsp_cmd = { (assert(os.getenv("MICROVM_LSP_BIN"), "MICROVM_LSP_BIN unset")) }
dofile(assert(os.getenv("MICROVM_LSP_SNIPPET"), "MICROVM_LSP_SNIPPET unset"))

local TIMEOUT = 15000

local function role_conflicts(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.code == "role-conflict" then
      table.insert(out, d)
    end
  end
  return out
end

-- The newest raw role-conflict diagnostic published for uri.
local function raw_conflict(uri)
  for i = #published, 1, -1 do
    local p = published[i]
    if p.uri == uri then
      for _, d in ipairs(p.diagnostics) do
        if d.code == "role-conflict" then
          return d, p.version
        end
      end
      return nil
    end
  end
end

local function run()
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(bufnr)
  step("filetype", vim.bo[bufnr].filetype)

  local client
  if not vim.wait(TIMEOUT, function()
    client = vim.lsp.get_active_clients()[1]
    return client ~= nil and client.initialized == true
  end, 20) then
    error("the server did not start and initialize")
  end
  step("client", client.name)
  step("root_dir", client.config.root_dir)
  step("offset_encoding", client.offset_encoding)
  step("attached", vim.lsp.buf_is_attached(bufnr, client.id))

  if not vim.wait(TIMEOUT, function() return #role_conflicts(bufnr) > 0 end, 20) then
    error("no role-conflict diagnostic arrived")
  end
  local diag = role_conflicts(bufnr)[1]
  local line = diag.lnum
  step("diagnostic", { lnum = diag.lnum, col = diag.col, message = diag.message, source = diag.source })
  step("line_before", vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1])

  local raw, version = raw_conflict(uri)
  assert(raw, "no raw role-conflict diagnostic was recorded")
  step("published_version", version)

  local params = {
    textDocument = { uri = uri },
    range = raw.range,
    context = { diagnostics = { raw }, only = { "quickfix" } },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, TIMEOUT)
  assert(responses, "textDocument/codeAction timed out")
  local actions = {}
  for _, resp in pairs(responses) do
    assert(not resp.error, "codeAction error: " .. vim.inspect(resp.error))
    for _, a in ipairs(resp.result or {}) do
      table.insert(actions, a)
    end
  end
  local titles, preferred = {}, nil
  for _, a in ipairs(actions) do
    table.insert(titles, a.title)
    if a.isPreferred and not preferred then
      preferred = a
    end
  end
  step("actions", titles)
  assert(preferred, "no preferred quick fix among " .. #actions .. " actions")
  assert(preferred.edit, "the preferred quick fix has no edit")
  step("preferred", preferred.title)

  vim.lsp.util.apply_workspace_edit(preferred.edit, client.offset_encoding)
  step("line_after", vim.api.nvim_buf_get_lines(bufnr, line, line + 1, false)[1])
  step("buffer_after", table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n"))

  if not vim.wait(TIMEOUT, function() return #role_conflicts(bufnr) == 0 end, 20) then
    error("the role-conflict diagnostic did not clear after the fix")
  end
  step("cleared", true)
  local last = published[#published]
  step("cleared_version", last and last.version or vim.NIL)
  result.ok = true
end

vim.api.nvim_create_autocmd("VimEnter", {
  once = true,
  callback = function()
    vim.schedule(function()
      local ok, err = xpcall(run, debug.traceback)
      if not ok then
        result.error = tostring(err)
      end
      write_result()
      for _, c in ipairs(vim.lsp.get_active_clients()) do
        c.stop()
      end
      vim.wait(2000, function() return #vim.lsp.get_active_clients() == 0 end, 20)
      vim.cmd("qall!")
    end)
  end,
})
