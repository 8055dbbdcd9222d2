;;; emacs-e2e.el --- microvm-lsp in a real Emacs client  -*- lexical-binding: t; -*-

;; Run as: emacs --batch -l emacs-e2e.el
;; Environment: MICROVM_LSP_EMACS_CONFIG (the editors/emacs file under test),
;; MICROVM_LSP_EMACS_CLIENT ("eglot" or "lsp-mode"), MICROVM_LSP_FILE (the
;; Nix file to open), MICROVM_LSP_RESULT (where the JSON result goes). The
;; server is found on PATH, as the configuration expects. The severity of
;; role-conflict is set to "warning" the way each configuration documents,
;; to see the settings arrive.
;;
;; Emacs has no Nix major mode of its own: a bare one named nix-mode stands
;; in for the nix-mode package the configuration hooks into. The file is
;; opened with find-file, so the configuration's hook starts the client as
;; it would for a user; the command loop, which batch Emacs lacks, is
;; imitated by running post-command-hook and timers while waiting.

;;; Code:

(require 'json)
(require 'cl-lib)

(defvar e2e-result (list (cons 'ok :json-false) (cons 'steps [])))

(defun e2e-step (name &optional value)
  "Record step NAME, and VALUE under NAME when given."
  (setf (alist-get 'steps e2e-result) (vconcat (alist-get 'steps e2e-result) (list (symbol-name name))))
  (when value
    (setf (alist-get name e2e-result) value)))

(defun e2e-wait (what pred &optional seconds)
  "Turn the event loop until PRED is non-nil; fail naming WHAT after SECONDS."
  (let ((deadline (+ (float-time) (or seconds 20))) value)
    (while (and (not (setq value (funcall pred))) (< (float-time) deadline))
      (run-hooks 'post-command-hook)
      ;; Batch Emacs is never idle: run the idle timers as an idle moment would.
      (dolist (timer (copy-sequence timer-idle-list))
        (timer-event-handler timer))
      (accept-process-output nil 0.05)
      (sit-for 0))
    (or value (error "Timed out waiting for %s" what))))

(define-derived-mode nix-mode prog-mode "Nix"
  "A bare major mode for Nix files, standing in for the nix-mode package.")
(add-to-list 'auto-mode-alist '("\\.nix\\'" . nix-mode))

(defvar e2e-client (getenv "MICROVM_LSP_EMACS_CLIENT"))

(when (equal e2e-client "lsp-mode")
  ;; No questions in batch: the project root is the directory of the
  ;; nearest version control root, and no other Nix server is installed.
  (setq lsp-auto-guess-root t
        lsp-restart 'ignore
        lsp-enable-suggest-server-download nil
        lsp-session-file (expand-file-name "lsp-session" temporary-file-directory)))

(if (equal e2e-client "eglot")
    (setq-default eglot-workspace-configuration
                  '((:microvm-lsp . (:severity (:role-conflict "warning")))))
  (setq microvm-lsp-severity '(("role-conflict" . "warning"))))

(defun e2e-role-conflicts ()
  "The role-conflict diagnostics of the current buffer as (LINE COL MESSAGE SEVERITY)."
  (if (equal e2e-client "eglot")
      (cl-loop for d in (flymake-diagnostics)
               for text = (flymake-diagnostic-text d)
               when (string-match-p "\\[role-conflict\\]" text)
               collect (save-excursion
                         (goto-char (flymake-diagnostic-beg d))
                         (list (1- (line-number-at-pos)) (current-column) text
                               (symbol-name (flymake-diagnostic-type d)))))
    (cl-loop for d in (gethash (buffer-file-name) (lsp-diagnostics t))
             when (equal (lsp:diagnostic-code? d) "role-conflict")
             collect (let ((start (lsp:range-start (lsp:diagnostic-range d))))
                       (list (lsp:position-line start) (lsp:position-character start)
                             (lsp:diagnostic-message d)
                             (pcase (lsp:diagnostic-severity? d)
                               (1 "error") (2 "warning") (3 "information") (4 "hint")))))))

(defun e2e-run ()
  (load (getenv "MICROVM_LSP_EMACS_CONFIG") nil t)
  (require (intern e2e-client))
  (e2e-step 'client e2e-client)
  (find-file (getenv "MICROVM_LSP_FILE"))
  (e2e-step 'major_mode (symbol-name major-mode))
  (if (equal e2e-client "eglot")
      (progn
        (e2e-wait "eglot to connect" (lambda () (eglot-current-server)))
        (let ((server (eglot-current-server)))
          (e2e-step 'server (plist-get (eglot--server-info server) :name))
          (e2e-step 'command (mapconcat #'identity (process-command (jsonrpc--process server)) " ")))
        (flymake-start))
    (e2e-wait "lsp-mode to connect"
              (lambda () (cl-find 'microvm-lsp (lsp-workspaces)
                                  :key (lambda (w) (lsp--client-server-id (lsp--workspace-client w))))))
    (e2e-step 'server "microvm-lsp"))
  (let ((d (car (e2e-wait "the role-conflict diagnostic" #'e2e-role-conflicts))))
    (e2e-step 'line (nth 0 d))
    (e2e-step 'column (nth 1 d))
    (e2e-step 'message (nth 2 d))
    (e2e-step 'severity (nth 3 d)))
  (setf (alist-get 'ok e2e-result) t))

(condition-case err
    (e2e-run)
  (error (setf (alist-get 'error e2e-result) (error-message-string err))))

(with-temp-file (getenv "MICROVM_LSP_RESULT")
  (insert (json-encode e2e-result)))

(ignore-errors
  (if (equal e2e-client "eglot")
      (let ((server (eglot-current-server)))
        (when server (eglot-shutdown server)))
    ;; lsp-mode's own shutdown (and its kill-emacs-hook, which runs it
    ;; again) may still write to the server after `exit' ended it, and
    ;; batch Emacs dies of the SIGPIPE: say shutdown and exit, then nothing.
    (remove-hook 'kill-emacs-hook #'lsp--global-teardown)
    (with-lsp-workspace (car (lsp-workspaces))
      (let ((lsp-response-timeout 5))
        (lsp-request "shutdown" nil))
      (lsp-notify "exit" nil))))
(kill-emacs 0)

;;; emacs-e2e.el ends here
