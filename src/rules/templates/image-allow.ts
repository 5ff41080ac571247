/**
 * `image-allow`: every container's image (containers, initContainers, ephemeralContainers) must come from a
 * repository that config `images.allow` allows: globs over the normalised `registry/repository` (`nginx` is
 * `docker.io/library/nginx`), `*` within one path segment, `**` across them. Without `images.allow` nothing is
 * reported; an image reference that cannot be parsed is image-tag-latest's.
 */
import picomatch from 'picomatch';
import type { Violation } from '../../analyze/types.js';
import { parseImageReference } from '../image-reference.js';
import { containersIn, defineTemplate, type GenericTemplate } from './util.js';

const matchers = new WeakMap<readonly string[], (name: string) => boolean>();

/** One matcher for the configured globs, compiled once per list. */
function allowed(globs: readonly string[]): (name: string) => boolean {
  let match = matchers.get(globs);
  if (!match) {
    match = picomatch([...globs], { dot: true, nocase: false });
    matchers.set(globs, match);
  }
  return match;
}

export const imageAllowTemplate: GenericTemplate = defineTemplate(
  'image-allow',
  'Images must come from the repositories config images.allow lists (globs over registry/repository).',
  (read) => {
    read.only([]);
    return {};
  },
  (ctx): Violation[] => {
    const globs = ctx.settings.imagesAllow;
    if (!globs) return [];
    const isAllowed = allowed(globs);
    const out: Violation[] = [];
    for (const c of containersIn(ctx, ['containers', 'initContainers', 'ephemeralContainers'])) {
      const image = c.container.image;
      if (typeof image !== 'string') continue;
      const ref = parseImageReference(image);
      if (!ref || isAllowed(ref.name)) continue;
      out.push({
        path: [...c.fullPath, 'image'],
        message: `Container "${c.name || `#${c.index}`}" runs image "${image}" from ${ref.name}, which no images.allow entry of the configuration allows.`
      });
    }
    return out;
  }
);
