// fzstd, a pure-JS zstd decoder (npm fzstd, pinned): decodes frames
// in-process where spawning zstd is wasteful (small previews, tests).
export * from 'fzstd';
