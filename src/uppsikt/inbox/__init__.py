"""Items (posts, comments, replies, messages) from every channel, and the inbox over them."""
