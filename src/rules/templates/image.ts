/**
 * `image-reference`: image hygiene for every container (containers, initContainers, ephemeralContainers).
 *
 * Params:
 *   requireTag         the reference must carry a tag or a digest (`nginx` alone means `nginx:latest`)
 *   forbidTags         tags that must not be used, e.g. [latest]; ignored when a digest pins the image
 *   requireDigest      the reference must be pinned by digest (`@sha256:...`)
 *   allowedRegistries  registries (or registry/repository prefixes) images may come from; docker.io is the
 *                      registry of references that name none
 *   reportInvalid      report references that cannot be parsed (default false)
 *   containerTypes     which container lists to look at (default all three)
 * Each container gives at most one violation, at its `image` field.
 */
import type { Violation } from '../../analyze/types.js';
import type { ContainerField } from '../../objects/podspec.js';
import { isFromRegistry, parseImageReference } from '../image-reference.js';
import { containersIn, defineTemplate, type GenericTemplate } from './util.js';

interface ImageParams {
  requireTag: boolean;
  forbidTags: string[];
  requireDigest: boolean;
  allowedRegistries?: string[];
  reportInvalid: boolean;
  types: ContainerField[];
}

export const imageReferenceTemplate: GenericTemplate = defineTemplate(
  'image-reference',
  'Image references must carry a tag, avoid given tags, be pinned by digest, or come from allowed registries.',
  (read): ImageParams => {
    read.only(['requireTag', 'forbidTags', 'requireDigest', 'allowedRegistries', 'reportInvalid', 'containerTypes']);
    const p: ImageParams = {
      requireTag: read.boolean('requireTag') ?? false,
      forbidTags: read.stringList('forbidTags') ?? [],
      requireDigest: read.boolean('requireDigest') ?? false,
      allowedRegistries: read.stringList('allowedRegistries'),
      reportInvalid: read.boolean('reportInvalid') ?? false,
      types: read.stringList('containerTypes') ? read.containerFields() : ['containers', 'initContainers', 'ephemeralContainers']
    };
    if (!p.requireTag && p.forbidTags.length === 0 && !p.requireDigest && !p.allowedRegistries && !p.reportInvalid) {
      read.fail('give at least one of requireTag, forbidTags, requireDigest, allowedRegistries, reportInvalid');
    }
    return p;
  },
  (ctx, p) => {
    const out: Violation[] = [];
    for (const c of containersIn(ctx, p.types)) {
      const image = c.container.image;
      if (typeof image !== 'string') continue;
      const path = [...c.fullPath, 'image'];
      const who = `Container "${c.name || `#${c.index}`}"`;
      const ref = parseImageReference(image);
      if (!ref) {
        if (p.reportInvalid) out.push({ path, message: `${who} has image "${image}", which is not a valid image reference.` });
        continue;
      }
      if (p.requireTag && ref.tag === undefined && ref.digest === undefined) {
        out.push({ path, message: `${who} uses image "${image}" without a tag, which means the mutable "latest" tag.` });
      } else if (ref.digest === undefined && ref.tag !== undefined && p.forbidTags.includes(ref.tag)) {
        out.push({ path, message: `${who} uses image "${image}" with the mutable tag "${ref.tag}".` });
      } else if (p.requireDigest && ref.digest === undefined) {
        out.push({ path, message: `${who} uses image "${image}", which is not pinned by digest (@sha256:...).` });
      } else if (p.allowedRegistries && !isFromRegistry(ref, p.allowedRegistries)) {
        out.push({ path, message: `${who} uses image "${image}" from ${ref.registry}, which is not an allowed registry (${p.allowedRegistries.join(', ')}).` });
      }
    }
    return out;
  }
);
