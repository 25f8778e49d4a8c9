//! Writing and removing the hook shims.
