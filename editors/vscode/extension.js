// A minimal client for `healthpress lsp`: diagnostics, quick fixes, hover, completion
// and navigation all come from the server; this file only starts it and adds two
// palette commands for the server's preview and sign-off commands.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("healthpress");
  const serverOptions = { command: config.get("path") || "healthpress", args: ["lsp"] };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "markdown" },
      { scheme: "file", pattern: "**/healthpress.toml" },
    ],
    initializationOptions: { checkOn: config.get("checkOn") || "type" },
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.md,healthpress.toml}"),
    },
  };
  client = new LanguageClient("healthpress", "healthpress", serverOptions, clientOptions);
  client.start();

  const current = () => vscode.window.activeTextEditor?.document.uri.toString();
  context.subscriptions.push(
    vscode.commands.registerCommand("healthpress.client.preview", async () => {
      const r = await client.sendRequest("workspace/executeCommand", {
        command: "healthpress.preview",
        arguments: [current()],
      });
      vscode.env.openExternal(vscode.Uri.file(r.path));
    }),
    vscode.commands.registerCommand("healthpress.client.signOff", async () => {
      const reviewer = await vscode.window.showInputBox({ prompt: "Reviewer (one of the article's reviewers)" });
      if (!reviewer) return;
      try {
        const r = await client.sendRequest("workspace/executeCommand", {
          command: "healthpress.signOff",
          arguments: [current(), reviewer],
        });
        vscode.window.showInformationMessage(`Signed off ${r.signedOff} for ${r.reviewer}`);
      } catch (e) {
        vscode.window.showErrorMessage(String(e.message || e));
      }
    }),
  );
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
