-- An end-to-end session with Neovim's built-in LSP client (Debian's neovim, 0.7 or
-- later): open an article, see the diagnostics, apply a quick fix, see them clear.
-- Run by tests/lsp.rs (`neovim_end_to_end`, ignored unless nvim is installed) as
--   nvim --headless --clean -u tests/editors/neovim.lua
-- with HEALTHPRESS_BIN, HEALTHPRESS_ROOT and HEALTHPRESS_TRANSCRIPT set.
local bin = os.getenv("HEALTHPRESS_BIN")
local root = os.getenv("HEALTHPRESS_ROOT")
local transcript = io.open(os.getenv("HEALTHPRESS_TRANSCRIPT"), "w")
local function say(s)
  transcript:write(s .. "\n")
  transcript:flush()
end
local function fail(s)
  say("FAIL: " .. s)
  transcript:close()
  vim.cmd("cquit 1")
end

vim.lsp.set_log_level("debug")
local file = root .. "/content/pregnancy/posture-in-pregnancy.md"
vim.cmd("edit " .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
say("nvim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "." .. tostring(vim.version().patch))
say("opened " .. file)

local id = vim.lsp.start_client({
  name = "healthpress",
  cmd = { bin, "lsp" },
  root_dir = root,
  init_options = { today = "2026-11-25", debounceMs = 0 },
  flags = { debounce_text_changes = 0 },
})
if not id then
  fail("the client did not start")
end
vim.lsp.buf_attach_client(buf, id)
local client = vim.lsp.get_client_by_id(id)
if not vim.wait(20000, function() return client.initialized end, 50) then
  fail("no answer to initialize")
end
say("server initialized: " .. client.name .. ", position encoding " .. tostring(client.offset_encoding))

local function diags()
  return vim.diagnostic.get(buf)
end
local function show(list)
  for _, d in ipairs(list) do
    say(string.format("  %d:%d %s [%s] %s", d.lnum + 1, d.col + 1, d.source or "?",
      tostring(d.user_data and d.user_data.lsp and d.user_data.lsp.code or d.code), (d.message:gsub("\n.*", ""))))
  end
end

-- A writer mistypes the audience.
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local at
for i, l in ipairs(lines) do
  if l == "audience: patient" then at = i end
end
if not at then fail("no audience line") end
vim.api.nvim_buf_set_lines(buf, at - 1, at, false, { "audience: patinet" })
say("edited line " .. at .. ": audience: patinet (unsaved)")

if not vim.wait(20000, function() return #diags() > 0 end, 50) then
  fail("no diagnostics after the edit")
end
say("diagnostics:")
show(diags())
local d = diags()[1]

local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
  context = { diagnostics = {} },
}
local answers = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 20000)
local action
for _, answer in pairs(answers or {}) do
  for _, a in ipairs(answer.result or {}) do
    say("code action offered: " .. a.title)
    if not action and a.title:find("Replace", 1, true) then action = a end
  end
end
if not action then fail("no quick fix offered") end
vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
say("applied: " .. action.title)
say("line " .. at .. " is now: " .. vim.api.nvim_buf_get_lines(buf, at - 1, at, false)[1])

if not vim.wait(20000, function() return #diags() == 0 end, 50) then
  say("diagnostics still there:")
  show(diags())
  fail("the diagnostics did not clear")
end
say("diagnostics cleared: " .. #diags())
client.stop()
vim.wait(5000, function() return client.is_stopped() end, 50)
say("PASS")
transcript:close()
vim.cmd("qall!")
