namespace ContactSync.Api.Accounts;

/// <summary>The account endpoints' options and reads (the providers and sessions come from AddProviderAccounts).</summary>
public static class AccountsRegistration
{
    public static IHostApplicationBuilder AddAccountsApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<ReturnOriginOptions>().BindConfiguration(ReturnOriginOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AccountReads>();
        return builder;
    }
}
