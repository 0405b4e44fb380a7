"""The models: the manifest that fetches and checks them, the embedders, the chat models."""
