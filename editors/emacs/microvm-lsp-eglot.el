;;; microvm-lsp-eglot.el --- microvm-lsp in Nix buffers, with Eglot  -*- lexical-binding: t; -*-

;; Eglot is part of Emacs 29 and later; for Emacs 26.3 to 28 install it from
;; GNU ELPA (Debian: elpa-eglot). Nix buffers need a major mode: nix-mode or
;; nix-ts-mode. Put microvm-lsp on `exec-path' (or write its full path
;; below), then load this file from your init file:
;;
;;   (load "/path/to/microvm-lsp-eglot.el")
;;
;; Eglot runs one server per buffer, so in Nix buffers microvm-lsp takes the
;; place of nil or nixd. To run it beside them, use lsp-mode and
;; microvm-lsp-lsp-mode.el instead.
;;
;; Settings are answered to the server's workspace/configuration request for
;; the section "microvm-lsp", from `eglot-workspace-configuration', for
;; example in a project's .dir-locals.el:
;;
;;   ((nil . ((eglot-workspace-configuration
;;             . ((:microvm-lsp . (:disabledChecks ["redundant-guest-import"])))))))
;;
;; Quick fixes: M-x eglot-code-actions on the diagnostic.

;;; Code:

(with-eval-after-load 'eglot
  ;; In front of Eglot's own entry for Nix (nil, rnix-lsp or nixd).
  (add-to-list 'eglot-server-programs
               '((nix-mode nix-ts-mode) . ("microvm-lsp" "serve"))))

;; Start the server when a Nix buffer opens.
(add-hook 'nix-mode-hook #'eglot-ensure)
(add-hook 'nix-ts-mode-hook #'eglot-ensure)

;;; microvm-lsp-eglot.el ends here
