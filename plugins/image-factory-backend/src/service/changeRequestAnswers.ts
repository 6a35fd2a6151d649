import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { EnrollmentResponse } from '@image-factory/plugin-image-factory-common';
import express from 'express';
import type { Requester } from '../enrollment';

/** Who asks for a change request, with the groups they belong to. */
export async function requesterOf(
  userInfo: UserInfoService,
  credentials: BackstageCredentials,
): Promise<Requester> {
  const info = await userInfo.getUserInfo(credentials);
  return {
    userEntityRef: info.userEntityRef,
    ownershipEntityRefs: info.ownershipEntityRefs,
  };
}

/** 201 with a new pull request, 200 with the open one asked for again. */
export function answerChangeRequest(
  res: express.Response,
  result: EnrollmentResponse,
) {
  res.status(result.reused ? 200 : 201).json(result);
}
