{ greeting = "Γειά σου κόσμε"; emoji = "🦀🐧"; math = "∀x ∈ ℝ: x² ≥ 0"; }
