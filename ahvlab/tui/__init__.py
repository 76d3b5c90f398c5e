"""ahvlab.tui: the Textual app and the prompt-toolkit shell, thin front ends over the checker session."""
