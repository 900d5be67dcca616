"""Profile photos of users and chats, and the privacy settings that hide a user's photos or forwards."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ProfilePhoto:
    sizes: list[dict]
    """Square PhotoSize, smallest first (what getUserProfilePhotos lists)."""
    chat_photo: dict
    """The ChatPhoto getChat shows while this is the current photo."""


@dataclass
class Profiles:
    photos: dict[int, list[ProfilePhoto]] = field(default_factory=dict)
    """By user or chat id, newest first; the first is the current photo."""
    hidden_photos: set[int] = field(default_factory=set)
    """Users whose privacy settings show their photos to nobody."""
    hidden_forwards: set[int] = field(default_factory=set)
    """Users whose privacy settings leave their account out of forwards of their messages."""

    def add(self, owner_id: int, photo: ProfilePhoto) -> None:
        self.photos.setdefault(owner_id, []).insert(0, photo)

    def user_photos(self, user_id: int, offset: int, limit: int) -> dict:
        """getUserProfilePhotos' UserProfilePhotos: ``limit`` photos from the ``offset``-th, newest first."""
        photos = [] if user_id in self.hidden_photos else self.photos.get(user_id, [])
        return {"total_count": len(photos), "photos": [p.sizes for p in photos[offset : offset + limit]]}

    def chat_photo(self, chat_id: int) -> dict | None:
        """The ChatPhoto getChat shows, None when there is none or the user hides it."""
        photos = [] if chat_id in self.hidden_photos else self.photos.get(chat_id, [])
        return photos[0].chat_photo if photos else None
