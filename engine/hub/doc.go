// Package hub downloads model repositories from the Hugging Face hub into
// the standard hub cache, the same on-disk layout Python's huggingface_hub
// uses:
//
//	<cache>/models--org--name/blobs/<etag>                 file contents
//	<cache>/models--org--name/snapshots/<commit>/<file>    -> ../../blobs/<etag>
//	<cache>/models--org--name/refs/<revision>              commit hash
//
// Sharing the layout means a model fetched by transformers is reused by
// swarmdesk (and vice versa) instead of costing users another multi-GB
// download. Downloads resume from blobs/<etag>.incomplete, LFS files are
// verified against their sha256 etag, and offline mode works from the cache
// alone.
//
// The Hugging Face environment (HF_HUB_CACHE, HF_HOME, HF_HUB_OFFLINE, HF_TOKEN and friends)
// is read in env.go only; the app reads it through CacheDirFor and OfflineFor.
package hub
