;;; microvm-lsp-lsp-mode.el --- microvm-lsp in Nix buffers, with lsp-mode  -*- lexical-binding: t; -*-

;; lsp-mode 8.0 or later (MELPA, or Debian's elpa-lsp-mode), and a major mode
;; for Nix: nix-mode or nix-ts-mode. Put microvm-lsp on `exec-path', then
;; load this file from your init file:
;;
;;   (load "/path/to/microvm-lsp-lsp-mode.el")
;;
;; microvm-lsp is registered as an add-on: lsp-mode runs it beside the Nix
;; server it picks on its own (nil or nixd), which keeps hover, completion
;; and formatting, while microvm-lsp adds its diagnostics and quick fixes.
;;
;; Settings: the variables below, answered to workspace/configuration for
;; the section "microvm-lsp".
;;
;; Quick fixes: M-x lsp-execute-code-action on the diagnostic.

;;; Code:

(defvar microvm-lsp-disabled-checks []
  "Diagnostic codes microvm-lsp does not report, a vector of strings.")

(defvar microvm-lsp-severity nil
  "Severity per diagnostic code, an alist of (CODE . LEVEL) strings.
LEVEL is \"error\", \"warning\", \"information\" or \"hint\".")

(defvar microvm-lsp-exclude-paths []
  "Globs of files and folders left out of the analysis, a vector of strings.")

;; Severity arrives as a JSON object: an alist of strings becomes a hash table.
(defun microvm-lsp--severity ()
  "`microvm-lsp-severity' as a hash table, for JSON."
  (let ((table (make-hash-table :test #'equal)))
    (dolist (entry microvm-lsp-severity table)
      (puthash (car entry) (cdr entry) table))))

(with-eval-after-load 'lsp-mode
  (add-to-list 'lsp-language-id-configuration '(nix-mode . "nix"))
  (add-to-list 'lsp-language-id-configuration '(nix-ts-mode . "nix"))
  (lsp-register-custom-settings
   '(("microvm-lsp.disabledChecks" microvm-lsp-disabled-checks)
     ("microvm-lsp.severity" microvm-lsp--severity)
     ("microvm-lsp.excludePaths" microvm-lsp-exclude-paths)))
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection '("microvm-lsp" "serve"))
    :activation-fn (lsp-activate-on "nix")
    :server-id 'microvm-lsp
    ;; Beside nil or nixd, not instead of them.
    :add-on? t
    :initialized-fn
    (lambda (workspace)
      (with-lsp-workspace workspace
        (lsp--set-configuration (lsp-configuration-section "microvm-lsp")))))))

;; Start lsp-mode when a Nix buffer opens.
(add-hook 'nix-mode-hook #'lsp-deferred)
(add-hook 'nix-ts-mode-hook #'lsp-deferred)

;;; microvm-lsp-lsp-mode.el ends here
