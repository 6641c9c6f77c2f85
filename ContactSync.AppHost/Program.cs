Console.WriteLine("ContactSync.AppHost");
