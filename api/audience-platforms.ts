import type { Env } from '../config/env';
import type { AudiencePlatform } from '../activities/audiences/audience-platform';
import { createLinkedInMatchedAudience } from '../activities/audiences/linkedin-matched-audience';
import { createMetaCustomAudience } from '../activities/audiences/meta-custom-audience';

/** The ad platforms configured in the environment: none by default (audiences stay in the database and CSV). */
export function audiencePlatforms(env: Env): AudiencePlatform[] {
  const platforms: AudiencePlatform[] = [];
  if (env.META_ACCESS_TOKEN !== undefined && env.META_AUDIENCE_IDS !== undefined) {
    platforms.push(
      createMetaCustomAudience({
        accessToken: env.META_ACCESS_TOKEN,
        audienceIds: env.META_AUDIENCE_IDS,
        ...(env.META_GRAPH_API_BASE_URL === undefined ? {} : { baseUrl: env.META_GRAPH_API_BASE_URL }),
      }),
    );
  }
  if (env.LINKEDIN_ACCESS_TOKEN !== undefined && env.LINKEDIN_SEGMENT_IDS !== undefined) {
    platforms.push(
      createLinkedInMatchedAudience({
        accessToken: env.LINKEDIN_ACCESS_TOKEN,
        segmentIds: env.LINKEDIN_SEGMENT_IDS,
        ...(env.LINKEDIN_API_BASE_URL === undefined ? {} : { baseUrl: env.LINKEDIN_API_BASE_URL }),
      }),
    );
  }
  return platforms;
}
