"""The browser chat: a Gradio app built from an Advisor object, with no business logic."""
