/** Loopback GitHub for tests — see server.ts. */
export { startLoopbackGitHub, sarifProblems, MAX_BODY_CHARS } from './server.js';
export type {
  Fault, FaultSpec, LoopbackGitHub, LoopbackOptions, PullRequestSeed, RecordedRequest, ReviewCommentSeed, TokenSpec, Violation, ViolationKind
} from './server.js';
export { countPatch, diffHunkFor, diffPatchFor, filesFromGitDiff, lineAtPosition, locateLine, parsePatch, prFileFor } from './diff.js';
export type { DiffLine, DiffStatus, Hunk, PrFile, Side } from './diff.js';
export { loadGitHubSpec, OpenApiSpec } from './openapi.js';
export { executeGraphql, parseGraphql } from './graphql.js';
export type {
  IssueCommentState, LoopbackState, Permission, PullRequestState, RepositoryState, ReviewCommentState, ReviewState, ReviewThreadState, SarifUploadState
} from './state.js';
