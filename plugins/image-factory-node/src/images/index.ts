export * from './loadImagesFile';
export * from './providerEntities';
export * from './readImageEntities';
export * from './logImagesFileProblems';
