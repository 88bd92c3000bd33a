"""Policy assistant: cited answers over MSIT and MOE policy documents."""
