"""What screens and widgets share (below both): translated bindings, database workers, the way a
refusal reaches the user, the base screen and modal classes."""
