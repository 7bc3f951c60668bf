global using MessageContracts;
global using MessageContracts.Tests.Support;
